#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rtc/srtp/srtp_replay_window.hpp"

namespace webvox::rtc::srtp {

// The 48-bit SRTP packet index (ROC * 65536 + SEQ) of one SSRC's packets, estimated from the
// 16-bit sequence number and the highest index so far (RFC 3711 §3.3.1 and Appendix A).
class RtpIndexTracker {
 public:
  // The index a packet with `sequence` most likely has: the one nearest the highest so far.
  // The first packet of a stream has ROC 0, and the ROC never guesses below 0 (as libsrtp).
  std::uint64_t estimate(std::uint16_t sequence) const;
  // Moves the highest index on once a packet with `index` is accepted.
  void advance(std::uint64_t index);

 private:
  bool started_ = false;
  std::uint64_t highest_ = 0;
};

// What a session remembers about one SSRC: the RTP index, and either the replay windows
// (inbound) or the next SRTCP index (outbound).
struct StreamState {
  explicit StreamState(std::uint32_t ssrc) : ssrc(ssrc) {}

  std::uint32_t ssrc;
  RtpIndexTracker rtp_index;
  ReplayWindow rtp_replay;
  ReplayWindow rtcp_replay;
  std::uint32_t next_srtcp_index = 0;
};

// The streams of one session by SSRC, at most kMaxStreams of them so a peer cannot make the
// session grow without bound. Inbound streams are added only once a packet authenticated, so
// only the key's holder can fill it. Sessions carry one to a few SSRCs, so a linear search
// over a small vector is faster than hashing.
class StreamTable {
 public:
  static constexpr std::size_t kMaxStreams = 64;

  StreamState* find(std::uint32_t ssrc);
  // The new stream for `ssrc` (which must not be in the table yet), or nullptr when full.
  // Adding invalidates pointers returned earlier.
  StreamState* add(std::uint32_t ssrc);
  std::size_t size() const { return streams_.size(); }

 private:
  std::vector<StreamState> streams_;
  std::size_t last_found_ = 0;  // consecutive packets are mostly of the same SSRC
};

}  // namespace webvox::rtc::srtp
