#pragma once

#include <cstdint>
#include <vector>

namespace webvox::rtc {

// The SRTP protection profiles webvox offers in DTLS's use_srtp extension (RFC 5764), in order
// of preference. Browsers support both.
enum class SrtpProfile { AeadAes128Gcm, Aes128CmSha1_80 };

// Master key and salt for one direction.
struct SrtpMasterKey {
  std::vector<std::uint8_t> key;
  std::vector<std::uint8_t> salt;
};

// What the DTLS handshake yields for SRTP (RFC 5764 §4.2): protect what we send with `local`,
// unprotect what we receive with `remote`.
struct SrtpKeying {
  SrtpProfile profile = SrtpProfile::AeadAes128Gcm;
  SrtpMasterKey local;
  SrtpMasterKey remote;
};

}  // namespace webvox::rtc
