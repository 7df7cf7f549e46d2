#include "core/turn_credentials.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "base/secure_random.hpp"

namespace webvox::core {

TurnCredentials make_turn_credentials(std::string_view secret, std::string_view user,
                                      std::int64_t expires) {
  TurnCredentials out;
  out.username = std::to_string(expires) + ":" + std::string(user);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(out.username.data()), out.username.size(), mac,
            &length)) {
    throw std::runtime_error("HMAC-SHA1 failed");
  }
  out.credential = base::base64_encode(mac, length);
  return out;
}

}  // namespace webvox::core
