// The server's RTCP towards one member: what it terminates and what it reports.
#include "sfu/member_rtcp.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "rtc/rtp/rtcp_packet.hpp"
#include "rtc/rtp/rtcp_report.hpp"
#include "rtc/rtp/rtcp_report_compound.hpp"
#include "rtc/rtp/rtcp_sdes.hpp"
#include "rtp_test_packets.hpp"

using namespace webvox;
using namespace std::chrono;
namespace rtp = rtc::rtp;

namespace {

constexpr std::uint32_t kMicrophone = 0xa1a2a3a4;
constexpr std::uint32_t kSlot1 = 0x51515151;
constexpr std::uint32_t kSlot2 = 0x52525252;
constexpr std::uint32_t kReporter = 0x77777777;

std::vector<std::uint8_t> rtp_packet(std::uint32_t ssrc, std::uint16_t sequence,
                                     std::uint32_t timestamp, std::size_t payload = 60) {
  return test::rtp_packet({111, false, sequence, timestamp, ssrc}, payload);
}

struct Report {
  std::uint32_t ssrc = 0;
  std::optional<rtp::SenderInfo> sender;
  std::vector<rtp::ReportBlock> blocks;
  std::optional<std::string> cname;
};

Report read_compound(const std::vector<std::uint8_t>& compound) {
  Report report;
  rtp::RtcpCompoundReader reader(compound);
  const auto first = reader.next();
  EXPECT_TRUE(first);
  if (!first) return report;
  rtp::ReportBlocks blocks;
  if (first->packet_type == rtp::rtcp_type::kSenderReport) {
    const auto sr = rtp::parse_sender_report(*first);
    report.ssrc = sr->sender_ssrc;
    report.sender = sr->sender_info;
    blocks = sr->report_blocks;
  } else {
    EXPECT_EQ(first->packet_type,
              rtp::rtcp_type::kReceiverReport);  // RFC 3550 §6.1: a report first
    const auto rr = rtp::parse_receiver_report(*first);
    report.ssrc = rr->sender_ssrc;
    blocks = rr->report_blocks;
  }
  for (std::size_t i = 0; i < blocks.size(); ++i) report.blocks.push_back(blocks[i]);
  const auto sdes = reader.next();
  EXPECT_TRUE(sdes);
  if (sdes) {
    rtp::SdesReader chunks(*sdes);
    if (const auto chunk = chunks.next()) {
      EXPECT_EQ(chunk->ssrc, report.ssrc);
      if (chunk->cname) report.cname = std::string(*chunk->cname);
    }
  }
  EXPECT_FALSE(reader.next());
  return report;
}

struct Fixture {
  sfu::MemberRtcp::Clock::time_point start = sfu::MemberRtcp::Clock::time_point{} + hours(1);
  sfu::MemberRtcp rtcp{{kReporter, {kSlot1, kSlot2}, "webvox"}, 42, start};

  // Runs the clock until a report is due and returns it.
  std::vector<std::vector<std::uint8_t>> next_reports(sfu::MemberRtcp::Clock::time_point& now) {
    now = rtcp.next_report();
    return rtcp.due(now, {0xe0000000, 0});
  }
};

}  // namespace

TEST(MemberRtcp, ReportsComeAboutOnceASecondRandomised) {
  Fixture f;
  EXPECT_TRUE(f.rtcp.due(f.start, {}).empty());  // not yet
  // The first after half an interval: [0.5, 1.5] x 0.5 s / 1.218.
  EXPECT_GE(f.rtcp.next_report() - f.start, milliseconds(200));
  EXPECT_LE(f.rtcp.next_report() - f.start, milliseconds(620));
  auto now = f.start;
  std::vector<microseconds> gaps;
  for (int i = 0; i < 50; ++i) {
    const auto before = now;
    EXPECT_EQ(f.next_reports(now).size(), 1u);
    if (i > 0) gaps.push_back(duration_cast<microseconds>(now - before));
  }
  microseconds total{0};
  bool varied = false;
  for (const auto gap : gaps) {
    EXPECT_GE(gap, milliseconds(410));
    EXPECT_LE(gap, milliseconds(1232));
    total += gap;
    varied = varied || gap != gaps.front();
  }
  EXPECT_TRUE(varied);
  const auto mean = total / static_cast<long>(gaps.size());
  EXPECT_GT(mean, milliseconds(650));
  EXPECT_LT(mean, milliseconds(1000));
}

TEST(MemberRtcp, ReceiverReportOnTheMembersVoiceWithLossAndTheEchoedSenderReport) {
  Fixture f;
  auto now = f.start;
  // 50 packets with 5 missing (sequence 1000..1049 without 1010..1014), all before the first
  // report can be due (200 ms at the earliest).
  for (std::uint16_t i = 0; i < 50; ++i) {
    if (i >= 10 && i < 15) continue;
    f.rtcp.on_rtp_received(rtp_packet(kMicrophone, static_cast<std::uint16_t>(1000 + i), 144u * i),
                           now + milliseconds(3 * i));
  }
  // The member's SR: what its browser needs echoed to compute the round trip.
  std::vector<std::uint8_t> sr(100);
  const rtp::SenderInfo info{0xe1234567, 0x89abcdef, 48000, 45, 2700};
  const auto size = rtp::write_report_compound(sr, kMicrophone, info, {}, "browser-cname");
  const auto sr_arrival = now + milliseconds(160);
  f.rtcp.on_rtcp(std::span(sr).first(*size), sr_arrival);
  EXPECT_EQ(f.rtcp.counters().sender_reports_in, 1u);

  const auto reports = f.next_reports(now);
  ASSERT_EQ(reports.size(), 1u);
  const auto report = read_compound(reports[0]);
  EXPECT_EQ(report.ssrc, kReporter);  // no slot sends yet: an RR from the reporter SSRC
  EXPECT_FALSE(report.sender);
  EXPECT_EQ(report.cname, "webvox");
  ASSERT_EQ(report.blocks.size(), 1u);
  const auto& block = report.blocks[0];
  EXPECT_EQ(block.ssrc, kMicrophone);
  EXPECT_EQ(block.extended_highest_sequence_number, 1049u);
  EXPECT_EQ(block.cumulative_lost, 5);
  EXPECT_EQ(block.fraction_lost, 5 * 256 / 50);
  EXPECT_EQ(block.last_sender_report, info.compact_ntp());
  // DLSR: from the SR's arrival to this report, in 1/65536 s.
  const double dlsr_seconds = block.delay_since_last_sender_report / 65536.0;
  EXPECT_NEAR(dlsr_seconds, duration<double>(now - sr_arrival).count(), 0.001);
}

TEST(MemberRtcp, SlotsThatSendGetSenderReportsTheFirstCarryingTheBlocks) {
  Fixture f;
  auto now = f.start + milliseconds(100);
  f.rtcp.on_rtp_received(rtp_packet(kMicrophone, 7, 0), now);
  for (std::uint16_t i = 0; i < 10; ++i) {
    f.rtcp.on_rtp_sent(rtp_packet(kSlot2, i, 5000u + 960u * i, 80), now + milliseconds(10 * i));
  }
  const auto last_sent = now + milliseconds(90);
  auto reports = f.next_reports(now);
  ASSERT_EQ(reports.size(), 1u);  // slot 1 has not sent: no SR for it
  const auto report = read_compound(reports[0]);
  EXPECT_EQ(report.ssrc, kSlot2);
  ASSERT_TRUE(report.sender);
  EXPECT_EQ(report.sender->packet_count, 10u);
  EXPECT_EQ(report.sender->octet_count, 800u);
  EXPECT_EQ(report.sender->ntp_seconds, 0xe0000000u);
  // The timestamp for the report's time runs on from the last packet at 48 kHz.
  const auto ticks = duration_cast<microseconds>(now - last_sent).count() * 48 / 1000;
  EXPECT_NEAR(static_cast<double>(report.sender->rtp_timestamp),
              5000.0 + 960 * 9 + static_cast<double>(ticks), 1);
  ASSERT_EQ(report.blocks.size(), 1u);
  EXPECT_EQ(report.blocks[0].ssrc, kMicrophone);
  EXPECT_EQ(report.cname, "webvox");

  // A slot silent for over two intervals is no longer a sender: back to an RR.
  now += seconds(3);
  reports = f.rtcp.due(now, {});
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(read_compound(reports[0]).sender);
}

TEST(MemberRtcp, TerminatesEveryKindOfFeedbackAndSurvivesGarbage) {
  Fixture f;
  const std::vector<std::uint8_t> pli = {0x81, 0xce, 0x00, 0x02, 0,    0,
                                         0,    1,    0x51, 0x51, 0x51, 0x51};
  const std::vector<std::uint8_t> nack = {0x81, 0xcd, 0x00, 0x03, 0, 0, 0, 1,
                                          0x51, 0x51, 0x51, 0x51, 0, 5, 0, 0};
  const std::vector<std::uint8_t> bye = {0x81, 0xcb, 0x00, 0x01, 0xa1, 0xa2, 0xa3, 0xa4};
  const std::vector<std::uint8_t> garbage = {0x81, 0xc9, 0x00, 0x09, 1, 2};
  f.rtcp.on_rtcp(pli, f.start);
  f.rtcp.on_rtcp(nack, f.start);
  f.rtcp.on_rtcp(bye, f.start);
  f.rtcp.on_rtcp(garbage, f.start);
  EXPECT_EQ(f.rtcp.counters().rtcp_in, 4u);
  EXPECT_EQ(f.rtcp.counters().feedback_in, 2u);
  EXPECT_EQ(f.rtcp.counters().other_in, 1u);
  EXPECT_EQ(f.rtcp.counters().malformed_in, 1u);
}

TEST(MemberRtcp, KeepsStatisticsForABoundedNumberOfSources) {
  Fixture f;
  for (std::uint32_t ssrc = 1; ssrc <= 100; ++ssrc)
    f.rtcp.on_rtp_received(rtp_packet(ssrc, 1, 0), f.start);
  auto now = f.start;
  const auto reports = f.next_reports(now);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(read_compound(reports[0]).blocks.size(), sfu::MemberRtcp::kMaxSources);
}
