#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "rtc/rtp/rtcp_report.hpp"

// A compound RTCP packet as RFC 3550 §6.1 requires every one to be: a report first (SR when
// the source sent media lately, else RR), then an SDES packet with the source's CNAME.
namespace webvox::rtc::rtp {

// Writes it at the start of `out` and returns its size, or nothing if it does not fit, there
// are over 31 blocks or the CNAME is over 255 bytes.
std::optional<std::size_t> write_report_compound(std::span<std::uint8_t> out, std::uint32_t ssrc,
                                                 const std::optional<SenderInfo>& sender,
                                                 std::span<const ReportBlock> blocks,
                                                 std::string_view cname);

}  // namespace webvox::rtc::rtp
