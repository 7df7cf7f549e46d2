// RTCP compound packets off the wire: iteration must end and stay in bounds, every sub-packet
// parser must agree with its header's count, and what the server writes back (reports, NACKs)
// must parse to the same content.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <string_view>
#include <vector>

#include "fuzz_checks.hpp"
#include "rtc/rtp/rtcp_bye.hpp"
#include "rtc/rtp/rtcp_feedback.hpp"
#include "rtc/rtp/rtcp_packet.hpp"
#include "rtc/rtp/rtcp_report.hpp"
#include "rtc/rtp/rtcp_report_compound.hpp"
#include "rtc/rtp/rtcp_sdes.hpp"

using namespace webvox::rtc::rtp;
using webvox::fuzz::fail;

namespace {

std::string_view input_text;

bool within(std::span<const std::uint8_t> inner, std::span<const std::uint8_t> outer) {
  return inner.empty() || (inner.data() >= outer.data() &&
                           inner.data() + inner.size() <= outer.data() + outer.size());
}

std::vector<ReportBlock> blocks_of(const ReportBlocks& blocks) {
  std::vector<ReportBlock> out;
  for (std::size_t i = 0; i < blocks.size(); ++i) out.push_back(blocks[i]);
  return out;
}

void check_blocks_round_trip(const std::vector<ReportBlock>& blocks, const ReportBlocks& reparsed) {
  WEBVOX_FUZZ_CHECK(reparsed.size() == blocks.size(), input_text);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    WEBVOX_FUZZ_CHECK(reparsed[i] == blocks[i], input_text);
  }
}

void check_sender_report(const RtcpPacketView& packet) {
  const auto sr = parse_sender_report(packet);
  if (!sr) return;
  WEBVOX_FUZZ_CHECK(sr->report_blocks.size() == packet.count, input_text);
  const auto blocks = blocks_of(sr->report_blocks);
  std::vector<std::uint8_t> buffer(sender_report_size(blocks.size()));
  if (write_sender_report(buffer, sr->sender_ssrc, sr->sender_info, blocks) != buffer.size()) {
    fail("SR did not write back", input_text);
  }
  const auto again = RtcpCompoundReader(buffer).next();
  if (!again) fail("written SR does not parse", input_text);
  const auto reparsed = parse_sender_report(*again);
  if (!reparsed) fail("written SR does not parse as SR", input_text);
  WEBVOX_FUZZ_CHECK(reparsed->sender_info == sr->sender_info, input_text);
  check_blocks_round_trip(blocks, reparsed->report_blocks);
}

void check_receiver_report(const RtcpPacketView& packet) {
  const auto rr = parse_receiver_report(packet);
  if (!rr) return;
  WEBVOX_FUZZ_CHECK(rr->report_blocks.size() == packet.count, input_text);
  const auto blocks = blocks_of(rr->report_blocks);
  std::vector<std::uint8_t> buffer(receiver_report_size(blocks.size()));
  if (write_receiver_report(buffer, rr->sender_ssrc, blocks) != buffer.size()) {
    fail("RR did not write back", input_text);
  }
  const auto reparsed = parse_receiver_report(*RtcpCompoundReader(buffer).next());
  if (!reparsed) fail("written RR does not parse", input_text);
  check_blocks_round_trip(blocks, reparsed->report_blocks);

  // The same blocks as the server reports them: RR then SDES CNAME, one compound.
  std::vector<std::uint8_t> compound(receiver_report_size(blocks.size()) +
                                     20);  // SDES: "webvox" in 20 bytes
  const auto size =
      write_report_compound(compound, rr->sender_ssrc, std::nullopt, blocks, "webvox");
  if (size != compound.size()) fail("report compound did not write", input_text);
  RtcpCompoundReader reader(compound);
  const auto report = reader.next();
  const auto sdes = reader.next();
  WEBVOX_FUZZ_CHECK(report && sdes && !reader.next() && !reader.error(), input_text);
  WEBVOX_FUZZ_CHECK(sdes->packet_type == rtcp_type::kSourceDescription, input_text);
  check_blocks_round_trip(blocks, parse_receiver_report(*report)->report_blocks);
}

void check_sdes(const RtcpPacketView& packet) {
  SdesReader reader(packet);
  std::size_t chunks = 0;
  while (const auto chunk = reader.next()) {
    WEBVOX_FUZZ_CHECK(++chunks <= packet.count, input_text);
    if (!chunk->cname) continue;
    const std::span<const std::uint8_t> cname(
        reinterpret_cast<const std::uint8_t*>(chunk->cname->data()), chunk->cname->size());
    WEBVOX_FUZZ_CHECK(within(cname, packet.body), input_text);
    std::vector<std::uint8_t> buffer(300);
    const auto size = write_sdes_cname(buffer, chunk->ssrc, *chunk->cname);
    if (!size || *size % 4 != 0) fail("CNAME did not write back", input_text);
    const auto view = RtcpCompoundReader(std::span(buffer).first(*size)).next();
    if (!view) fail("written SDES does not parse", input_text);
    SdesReader again(*view);
    const auto reparsed = again.next();
    WEBVOX_FUZZ_CHECK(reparsed && reparsed->ssrc == chunk->ssrc && reparsed->cname == chunk->cname,
                      input_text);
  }
}

void check_bye(const RtcpPacketView& packet) {
  const auto bye = parse_bye(packet);
  if (!bye) return;
  WEBVOX_FUZZ_CHECK(bye->ssrc_count() == packet.count, input_text);
  const std::span<const std::uint8_t> reason(
      reinterpret_cast<const std::uint8_t*>(bye->reason.data()), bye->reason.size());
  WEBVOX_FUZZ_CHECK(within(reason, packet.body), input_text);
}

void check_nack(const RtcpPacketView& packet) {
  const auto nack = parse_nack(packet);
  if (!nack) return;
  std::vector<std::uint16_t> lost;
  nack->for_each_lost([&](std::uint16_t seq) { lost.push_back(seq); });
  WEBVOX_FUZZ_CHECK(lost.size() >= nack->entry_count() && lost.size() <= 17 * nack->entry_count(),
                    input_text);
  std::vector<std::uint8_t> buffer(nack_size(lost));
  if (write_nack(buffer, nack->sender_ssrc, nack->media_ssrc, lost) != buffer.size()) {
    fail("NACK did not write back", input_text);
  }
  const auto reparsed = parse_nack(*RtcpCompoundReader(buffer).next());
  if (!reparsed) fail("written NACK does not parse", input_text);
  std::vector<std::uint16_t> lost_again;
  reparsed->for_each_lost([&](std::uint16_t seq) { lost_again.push_back(seq); });
  const std::set<std::uint16_t> before(lost.begin(), lost.end());
  const std::set<std::uint16_t> after(lost_again.begin(), lost_again.end());
  WEBVOX_FUZZ_CHECK(before == after, input_text);
  WEBVOX_FUZZ_CHECK(reparsed->entry_count() <= nack->entry_count(), input_text);
}

void check_packet(const RtcpPacketView& packet, std::span<const std::uint8_t> input) {
  WEBVOX_FUZZ_CHECK(within(packet.bytes, input), input_text);
  WEBVOX_FUZZ_CHECK(within(packet.body, packet.bytes), input_text);
  WEBVOX_FUZZ_CHECK(packet.bytes.size() % 4 == 0 && packet.bytes.size() >= 4, input_text);
  switch (packet.packet_type) {
    case rtcp_type::kSenderReport:
      check_sender_report(packet);
      break;
    case rtcp_type::kReceiverReport:
      check_receiver_report(packet);
      break;
    case rtcp_type::kSourceDescription:
      check_sdes(packet);
      break;
    case rtcp_type::kBye:
      check_bye(packet);
      break;
    case rtcp_type::kTransportFeedback:
      check_nack(packet);
      break;
    case rtcp_type::kPayloadFeedback:
      (void)is_picture_loss_indication(packet);
      break;
    default:
      break;
  }
  if (const auto feedback = parse_feedback(packet)) {
    WEBVOX_FUZZ_CHECK(within(feedback->control_information, packet.body), input_text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  input_text = std::string_view(reinterpret_cast<const char*>(data), size);
  (void)is_rtcp(input);
  RtcpCompoundReader reader(input);
  std::size_t packets = 0;
  std::size_t covered = 0;
  while (const auto packet = reader.next()) {
    WEBVOX_FUZZ_CHECK(++packets <= size / 4, input_text);
    covered += packet->bytes.size();
    check_packet(*packet, input);
  }
  // Without an error the sub-packets tile the input exactly.
  if (!reader.error())
    WEBVOX_FUZZ_CHECK(covered == size, input_text);
  else
    (void)to_string(*reader.error());
  return 0;
}
