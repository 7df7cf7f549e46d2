#include "base/secure_random.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace webvox::base {

std::vector<unsigned char> secure_random_bytes(std::size_t count) {
  std::vector<unsigned char> bytes(count);
  if (count > 0 && RAND_bytes(bytes.data(), static_cast<int>(count)) != 1) {
    throw std::runtime_error("the system random generator failed");
  }
  return bytes;
}

std::string random_url_token(std::size_t bytes) {
  const auto raw = secure_random_bytes(bytes);
  return base64url_encode(raw.data(), raw.size());
}

std::string base64_encode(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string base64url_encode(const unsigned char* data, std::size_t size) {
  std::string out = base64_encode(data, size);
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::vector<unsigned char> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) throw std::invalid_argument("base64 length is not a multiple of 4");
  std::vector<unsigned char> out(3 * (text.size() / 4));
  const int written =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                      static_cast<int>(text.size()));
  if (written < 0) throw std::invalid_argument("not base64");
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<std::size_t>(written) - padding);
  return out;
}

std::vector<unsigned char> sha256(std::string_view data) {
  std::vector<unsigned char> digest(32);
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return digest;
}

bool secrets_equal(std::string_view a, std::string_view b) {
  // Hash first so that the comparison length does not depend on the secret's length.
  const auto da = sha256(a);
  const auto db = sha256(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

}  // namespace webvox::base
