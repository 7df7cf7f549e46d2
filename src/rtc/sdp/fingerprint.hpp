// DTLS certificate fingerprints (RFC 8122 §5): "a=fingerprint:<hash-func> <colon hex>".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "rtc/sdp/parse_error.hpp"

namespace webvox::rtc::sdp {

struct Fingerprint {
  std::string hash_function;  // lower case, e.g. "sha-256"
  std::vector<std::uint8_t> digest;

  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

inline constexpr std::string_view kSha256 = "sha-256";

// Validates the hex and, for the hash functions RFC 8122 lists, the digest length.
base::Expected<Fingerprint, ParseErrorCode> parse_fingerprint(std::string_view value);

// "sha-256 AB:CD:…" with upper-case hex as RFC 8122 writes it.
std::string format_fingerprint(const Fingerprint& fingerprint);

}  // namespace webvox::rtc::sdp
