#include "base/password_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <charconv>
#include <stdexcept>
#include <vector>

#include "base/secure_random.hpp"

namespace webvox::base {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kDigestBytes = 32;
constexpr unsigned kMaxIterations = 10'000'000;

std::vector<unsigned char> derive(std::string_view password, const std::vector<unsigned char>& salt,
                                  unsigned iterations) {
  std::vector<unsigned char> key(kDigestBytes);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                        static_cast<int>(key.size()), key.data()) != 1) {
    throw std::runtime_error("PBKDF2 failed");
  }
  return key;
}

struct ParsedHash {
  unsigned iterations = 0;
  std::vector<unsigned char> salt;
  std::vector<unsigned char> digest;
};

bool parse(std::string_view stored, ParsedHash& out) {
  auto next_field = [&stored]() {
    const auto end = stored.find('$');
    auto field = stored.substr(0, end);
    stored = end == std::string_view::npos ? std::string_view{} : stored.substr(end + 1);
    return field;
  };
  if (next_field() != kScheme) return false;
  const auto iterations = next_field();
  const auto [ptr, ec] =
      std::from_chars(iterations.data(), iterations.data() + iterations.size(), out.iterations);
  if (ec != std::errc{} || ptr != iterations.data() + iterations.size() || out.iterations == 0 ||
      out.iterations > kMaxIterations) {
    return false;
  }
  try {
    out.salt = base64_decode(next_field());
    out.digest = base64_decode(next_field());
  } catch (const std::invalid_argument&) {
    return false;
  }
  return stored.empty() && !out.salt.empty() && out.digest.size() == kDigestBytes;
}

}  // namespace

PasswordHasher::PasswordHasher(unsigned iterations) : iterations_(iterations) {
  if (iterations == 0 || iterations > kMaxIterations) {
    throw std::invalid_argument("PBKDF2 iterations out of range");
  }
}

std::string PasswordHasher::hash(std::string_view password) const {
  const auto salt = secure_random_bytes(kSaltBytes);
  const auto digest = derive(password, salt, iterations_);
  std::string out{kScheme};
  out += '$';
  out += std::to_string(iterations_);
  out += '$';
  out += base64_encode(salt.data(), salt.size());
  out += '$';
  out += base64_encode(digest.data(), digest.size());
  return out;
}

bool PasswordHasher::verify(std::string_view password, std::string_view stored_hash) const {
  ParsedHash parsed;
  if (!parse(stored_hash, parsed)) return false;
  const auto digest = derive(password, parsed.salt, parsed.iterations);
  return CRYPTO_memcmp(digest.data(), parsed.digest.data(), kDigestBytes) == 0;
}

}  // namespace webvox::base
