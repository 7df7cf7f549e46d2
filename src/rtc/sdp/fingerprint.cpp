#include "rtc/sdp/fingerprint.hpp"

#include <array>
#include <optional>

#include "base/hex_digit.hpp"
#include "rtc/sdp/text_scan.hpp"

namespace webvox::rtc::sdp {
namespace {

constexpr std::size_t kMaxDigestBytes = 64;

struct KnownHash {
  std::string_view name;
  std::size_t digest_bytes;
};

constexpr std::array<KnownHash, 7> kKnownHashes{{{"sha-1", 20},
                                                 {"sha-224", 28},
                                                 {"sha-256", 32},
                                                 {"sha-384", 48},
                                                 {"sha-512", 64},
                                                 {"md5", 16},
                                                 {"md2", 16}}};

std::optional<std::size_t> known_digest_length(std::string_view hash_function) {
  for (const auto& known : kKnownHashes) {
    if (known.name == hash_function) return known.digest_bytes;
  }
  return std::nullopt;
}

std::string lower_case(std::string_view text) {
  std::string lowered(text);
  for (auto& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lowered;
}

std::optional<std::vector<std::uint8_t>> parse_colon_hex(std::string_view text) {
  // Pairs of hex digits joined by single colons: "AB:CD:EF".
  if (text.empty() || (text.size() + 1) % 3 != 0) return std::nullopt;
  std::vector<std::uint8_t> bytes;
  for (std::size_t at = 0; at < text.size(); at += 3) {
    const int high = base::hex_digit_value(text[at]);
    const int low = base::hex_digit_value(text[at + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    if (at + 2 < text.size() && text[at + 2] != ':') return std::nullopt;
    bytes.push_back(static_cast<std::uint8_t>(high * 16 + low));
  }
  return bytes;
}

}  // namespace

base::Expected<Fingerprint, ParseErrorCode> parse_fingerprint(std::string_view value) {
  const auto fail = base::unexpected(ParseErrorCode::MalformedFingerprint);
  const auto words = split_words(value);
  if (words.size() != 2 || !is_token(words[0])) return fail;
  if (words[1].size() > kMaxDigestBytes * 3) return fail;

  Fingerprint fingerprint;
  fingerprint.hash_function = lower_case(words[0]);
  auto digest = parse_colon_hex(words[1]);
  if (!digest) return fail;
  const auto expected_length = known_digest_length(fingerprint.hash_function);
  if (expected_length && *expected_length != digest->size()) return fail;
  fingerprint.digest = std::move(*digest);
  return fingerprint;
}

std::string format_fingerprint(const Fingerprint& fingerprint) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string text = fingerprint.hash_function + ' ';
  for (std::size_t i = 0; i < fingerprint.digest.size(); ++i) {
    if (i != 0) text += ':';
    text += kHex[fingerprint.digest[i] >> 4];
    text += kHex[fingerprint.digest[i] & 0x0F];
  }
  return text;
}

}  // namespace webvox::rtc::sdp
