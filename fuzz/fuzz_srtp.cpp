// SRTP and SRTCP off the wire, for both profiles: arbitrary bytes given to unprotect must be
// refused without crashing or reading outside the packet; the same bytes made to look like
// RTP/RTCP (version 2) must survive protect -> unprotect unchanged, keep their header in clear,
// and fail to unprotect once any single byte of the protected packet is changed.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "fuzz_checks.hpp"
#include "rtc/srtp/srtp_session.hpp"

using namespace webvox::rtc;
using webvox::fuzz::fail;

namespace {

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

SrtpMasterKey master_key(SrtpProfile profile) {
  return {std::vector<std::uint8_t>(16, 0x3c),
          std::vector<std::uint8_t>(profile == SrtpProfile::AeadAes128Gcm ? 12 : 14, 0xa5)};
}

void check_unprotect_refuses(SrtpProfile profile, std::span<const std::uint8_t> input) {
  SrtpSession inbound(profile, master_key(profile), SrtpSession::Direction::Inbound);
  std::vector<std::uint8_t> copy(input.begin(), input.end());
  // A forgery with a fixed key cannot authenticate; anything else is a bug.
  WEBVOX_FUZZ_CHECK(!inbound.unprotect_rtp(copy).has_value(), as_text(input));
  copy.assign(input.begin(), input.end());
  WEBVOX_FUZZ_CHECK(!inbound.unprotect_rtcp(copy).has_value(), as_text(input));
}

void check_round_trip(SrtpProfile profile, std::span<const std::uint8_t> input, bool rtcp,
                      std::size_t tamper_at) {
  if (input.empty()) return;
  std::vector<std::uint8_t> plain(input.begin(), input.end());
  plain[0] = static_cast<std::uint8_t>(0x80 | (plain[0] & 0x3f));  // version 2
  SrtpSession outbound(profile, master_key(profile), SrtpSession::Direction::Outbound);
  SrtpSession inbound(profile, master_key(profile), SrtpSession::Direction::Inbound);

  std::vector<std::uint8_t> buffer(plain.size() + SrtpSession::kMaxTrailer);
  std::copy(plain.begin(), plain.end(), buffer.begin());
  const auto protected_size = rtcp ? outbound.protect_rtcp(buffer, plain.size())
                                   : outbound.protect_rtp(buffer, plain.size());
  if (!protected_size) {
    // Only what is not RTP/RTCP may be refused.
    WEBVOX_FUZZ_CHECK(protected_size.error() == SrtpError::Malformed, as_text(input));
    return;
  }
  const auto size = protected_size.value();
  WEBVOX_FUZZ_CHECK(size > plain.size() && size <= plain.size() + 20, as_text(input));
  buffer.resize(size);
  const std::size_t clear = rtcp ? 8 : 12;  // at least the fixed header stays readable
  WEBVOX_FUZZ_CHECK(std::equal(plain.begin(), plain.begin() + clear, buffer.begin()),
                    as_text(input));

  auto tampered = buffer;
  tampered[tamper_at % tampered.size()] ^= 0x01;
  const auto forged = rtcp ? inbound.unprotect_rtcp(tampered) : inbound.unprotect_rtp(tampered);
  WEBVOX_FUZZ_CHECK(!forged.has_value(), as_text(input));

  const auto opened = rtcp ? inbound.unprotect_rtcp(buffer) : inbound.unprotect_rtp(buffer);
  if (!opened.has_value()) fail("own packet did not unprotect", as_text(input));
  WEBVOX_FUZZ_CHECK(opened.value() == plain.size(), as_text(input));
  WEBVOX_FUZZ_CHECK(std::equal(plain.begin(), plain.end(), buffer.begin()), as_text(input));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  // The last two bytes (when there are enough) choose which byte the tamper check flips.
  const std::size_t tamper_at = size >= 2 ? (std::size_t{data[size - 2]} << 8) | data[size - 1] : 0;
  for (const auto profile : {SrtpProfile::AeadAes128Gcm, SrtpProfile::Aes128CmSha1_80}) {
    check_unprotect_refuses(profile, input);
    check_round_trip(profile, input, /*rtcp=*/false, tamper_at);
    check_round_trip(profile, input, /*rtcp=*/true, tamper_at);
  }
  return 0;
}
