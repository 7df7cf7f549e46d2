#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "rtc/rtp/ntp_time.hpp"
#include "rtc/rtp/receive_statistics.hpp"
#include "rtc/rtp/send_statistics.hpp"

namespace webvox::sfu {

struct MemberRtcpSettings {
  // The SSRC the server reports from while none of its slots sends (it needs one for RRs).
  std::uint32_t reporter_ssrc = 0;
  std::vector<std::uint32_t> slot_ssrcs;  // the member's receive slots, as the answer announced
  std::string cname = "webvox";           // the answer's a=ssrc cname
  std::uint32_t clock_rate = 48000;       // Opus
  std::chrono::microseconds interval = std::chrono::seconds(1);
};

// The server's end of RTCP on one member's connection. The server terminates RTCP: what the
// member sends (reports about the slots, SDES, BYE, NACK/PLI/REMB/transport-wide feedback)
// stops here and is never forwarded to speakers, who did not send what it is about. In its
// place the server reports itself, about once a second (randomised per RFC 3550 §6.3.1):
// receiver reports on the member's voice (loss, jitter, and LSR/DLSR from the member's own
// SRs, so its browser gets a round-trip time), and sender reports for each slot that is
// sending, mapping its rewritten timestamps to wallclock time; each with SDES CNAME.
// Pure: packets and time come in, compound packets go out. One thread drives it.
class MemberRtcp {
 public:
  using Clock = std::chrono::steady_clock;
  struct Counters {
    std::uint64_t rtcp_in = 0, sender_reports_in = 0, receiver_reports_in = 0, feedback_in = 0,
                  other_in = 0, malformed_in = 0, compounds_out = 0;

    Counters& operator+=(const Counters& other) {
      rtcp_in += other.rtcp_in;
      sender_reports_in += other.sender_reports_in;
      receiver_reports_in += other.receiver_reports_in;
      feedback_in += other.feedback_in;
      other_in += other.other_in;
      malformed_in += other.malformed_in;
      compounds_out += other.compounds_out;
      return *this;
    }
  };
  // A browser sends one audio stream; a few more cover a track replaced mid-call.
  static constexpr std::size_t kMaxSources = 4;

  MemberRtcp(MemberRtcpSettings settings, std::uint64_t seed, Clock::time_point now);

  // A decrypted RTP packet from the member (its voice).
  void on_rtp_received(std::span<const std::uint8_t> packet, Clock::time_point now);
  // A plain RTP packet about to be sent to the member on one of its slots.
  void on_rtp_sent(std::span<const std::uint8_t> packet, Clock::time_point now);
  // A decrypted RTCP compound packet from the member.
  void on_rtcp(std::span<const std::uint8_t> compound, Clock::time_point now);

  // The compound packets to send at `now` (wallclock `ntp`); none before the next report is
  // due. Each becomes one SRTCP packet.
  std::vector<std::vector<std::uint8_t>> due(Clock::time_point now, rtc::rtp::NtpTime ntp);

  const Counters& counters() const { return counters_; }
  Clock::time_point next_report() const { return next_report_; }

 private:
  struct Source {
    rtc::rtp::ReceiveStatistics statistics;
    std::uint32_t last_sender_report = 0;  // compact NTP of its last SR; 0: none yet
    Clock::time_point sender_report_arrival{};
  };
  struct Slot {
    std::uint32_t ssrc = 0;
    rtc::rtp::SendStatistics statistics;
  };

  Source* source(std::uint32_t ssrc);
  std::uint32_t arrival_units(Clock::time_point now) const;
  void schedule(Clock::time_point now, std::chrono::microseconds interval);

  MemberRtcpSettings settings_;
  std::mt19937_64 random_;
  Clock::time_point epoch_;
  Clock::time_point next_report_;
  std::map<std::uint32_t, Source> sources_;
  std::vector<Slot> slots_;
  Counters counters_;
};

}  // namespace webvox::sfu
