#include "rtc/rtp/rtcp_report_compound.hpp"

#include "rtc/rtp/rtcp_sdes.hpp"

namespace webvox::rtc::rtp {

std::optional<std::size_t> write_report_compound(std::span<std::uint8_t> out, std::uint32_t ssrc,
                                                 const std::optional<SenderInfo>& sender,
                                                 std::span<const ReportBlock> blocks,
                                                 std::string_view cname) {
  const auto report = sender ? write_sender_report(out, ssrc, *sender, blocks)
                             : write_receiver_report(out, ssrc, blocks);
  if (!report) return std::nullopt;
  const auto sdes = write_sdes_cname(out.subspan(*report), ssrc, cname);
  if (!sdes) return std::nullopt;
  return *report + *sdes;
}

}  // namespace webvox::rtc::rtp
