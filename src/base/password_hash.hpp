#pragma once

#include <string>
#include <string_view>

namespace webvox::base {

// Salted PBKDF2-HMAC-SHA256 in a self-describing string:
//   pbkdf2-sha256$<iterations>$<salt, base64>$<digest, base64>
// so the cost can be raised later without invalidating stored hashes.
class PasswordHasher {
 public:
  static constexpr unsigned kDefaultIterations = 20'000;

  explicit PasswordHasher(unsigned iterations = kDefaultIterations);
  virtual ~PasswordHasher() = default;

  // Virtual so tests can count the work done (AccountService must do the same for an
  // unknown account as for a known one).
  virtual std::string hash(std::string_view password) const;
  // Constant-time comparison of the derived key; false for malformed stored hashes.
  virtual bool verify(std::string_view password, std::string_view stored_hash) const;
  unsigned iterations() const { return iterations_; }

 private:
  unsigned iterations_;
};

}  // namespace webvox::base
