#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "media/path_writer.hpp"
#include "media/reflection_limiter.hpp"
#include "rtc/peer/media_transport.hpp"
#include "rtc/stun/ice_session_lookup.hpp"

namespace webvox::media {

// Which server-forwarded session is on which path, in both directions, whatever the socket:
// STUN checks find their transport by the USERNAME's local ufrag, a check that nominates
// makes its path (a UDP address or an ICE-TCP connection) the transport's, other packets from
// that path go to it, and what a transport sends leaves through the writer of its path's
// protocol. Plain Binding requests (no USERNAME) get the source's address back, as from a
// STUN server, at most as often as ReflectionLimiter allows a UDP source. No I/O here: the
// edges read sockets and call in; one thread drives it all.
class MediaRouter final : public rtc::stun::IceSessionLookup {
 public:
  struct Counters {
    // ICE checks: answered (authenticated), refused with an error, or dropped.
    std::uint64_t stun_answered = 0, stun_refused = 0, stun_dropped = 0, unknown_source = 0,
                  no_writer = 0;
    // stun_dropped by reason: not STUN, FINGERPRINT missing (on anything but a plain Binding
    // request) or wrong, a message that is no Binding request (indications, responses).
    std::uint64_t stun_malformed = 0, stun_no_fingerprint = 0, stun_bad_fingerprint = 0,
                  stun_not_binding_request = 0;
    // Plain Binding requests from STUN clients (no USERNAME, no MESSAGE-INTEGRITY): answered
    // with the mapped address, answered 420 (unknown comprehension-required attributes), or
    // not answered because their source network or all sources together are over the limit.
    std::uint64_t binding_answered = 0, binding_unknown_attribute = 0, binding_rate_limited = 0;
    // ICE checks refused before authentication (400, 401) not answered: over the same limit.
    std::uint64_t stun_refusal_rate_limited = 0;
  };
  // Answered: a plain Binding request got its mapped address (or a 420); nothing about the
  // path is authenticated by that.
  enum class Verdict { Accepted, Rejected, Dropped, Answered };
  struct StunReply {
    Verdict verdict = Verdict::Dropped;
    std::vector<std::uint8_t> response;  // to send back on the same path; empty when dropped
  };

  // `writer` carries every packet for paths of `protocol`; null: such packets are dropped.
  void set_writer(rtc::stun::TransportProtocol protocol, PathWriter* writer);

  // The transport answers checks for its local ufrag from now on.
  void add(std::shared_ptr<rtc::MediaTransport> transport);
  // Forgets the transport and releases its paths (an ICE-TCP connection is closed).
  void remove(const std::string& local_ufrag);
  // The path went away under us (an ICE-TCP connection closed): nothing arrives on it now.
  void forget_path(const rtc::stun::TransportAddress& path);

  MediaRouter() = default;
  explicit MediaRouter(const ReflectionLimiter::Limits& binding_limits)
      : binding_limits_(binding_limits) {}

  // A STUN message that arrived on `source`: an ICE check for a transport, or a plain
  // Binding request (answered within the limits, so webvoxd can serve as a STUN server).
  StunReply answer_stun(std::span<const std::uint8_t> packet,
                        const rtc::stun::TransportAddress& source, rtc::stun::IceTime now);
  // A DTLS or SRTP packet from `source`, decrypted in place by the transport a check nominated
  // the path for; false (and dropped) when no check did.
  bool deliver(std::span<std::uint8_t> packet, const rtc::stun::TransportAddress& source);

  // Hands what the transport queued to the writers (after the caller made it send).
  void flush(rtc::MediaTransport& transport);
  // DTLS and SCTP timers of every transport; call every few tens of milliseconds.
  void tick(std::chrono::milliseconds elapsed);
  // Lets every writer write what it gathered.
  void send_pending();

  rtc::MediaTransport* transport_on(const rtc::stun::TransportAddress& path) const;
  const Counters& counters() const { return counters_; }
  // Connections it serves (one per negotiated member), and the network paths they are on.
  std::size_t transports() const { return by_ufrag_.size(); }
  std::size_t paths() const { return by_path_.size(); }
  // Every transport's counters added up, those removed since start included.
  rtc::MediaTransport::Counters transport_totals() const;

 private:
  rtc::stun::IceLiteSession* find(std::string_view local_ufrag) override;
  PathWriter* writer_for(const rtc::stun::TransportAddress& path) const;

  std::unordered_map<std::string, std::shared_ptr<rtc::MediaTransport>> by_ufrag_;
  struct Binding {
    rtc::stun::TransportAddress path;
    rtc::MediaTransport* transport = nullptr;
  };
  std::unordered_map<rtc::stun::TransportAddress, Binding, rtc::stun::TransportAddressHash>
      by_path_;
  PathWriter* udp_writer_ = nullptr;
  PathWriter* tcp_writer_ = nullptr;
  ReflectionLimiter binding_limits_;
  Counters counters_;
  rtc::MediaTransport::Counters retired_;  // of the transports removed
};

}  // namespace webvox::media
