#include "media/media_router.hpp"

#include <variant>

#include "rtc/sctp/sctp_association.hpp"
#include "rtc/stun/ice_lite_responder.hpp"

namespace webvox::media {

using rtc::stun::TransportAddress;
using rtc::stun::TransportProtocol;

void MediaRouter::set_writer(TransportProtocol protocol, PathWriter* writer) {
  (protocol == TransportProtocol::Udp ? udp_writer_ : tcp_writer_) = writer;
}

PathWriter* MediaRouter::writer_for(const TransportAddress& path) const {
  return path.protocol == TransportProtocol::Udp ? udp_writer_ : tcp_writer_;
}

void MediaRouter::add(std::shared_ptr<rtc::MediaTransport> transport) {
  const auto ufrag = transport->ice().local().ufrag;
  by_ufrag_[ufrag] = std::move(transport);
}

void MediaRouter::remove(const std::string& local_ufrag) {
  const auto it = by_ufrag_.find(local_ufrag);
  if (it == by_ufrag_.end()) return;
  std::vector<TransportAddress> released;
  for (auto path = by_path_.begin(); path != by_path_.end();) {
    if (path->second.transport != it->second.get()) {
      ++path;
      continue;
    }
    released.push_back(path->second.path);
    path = by_path_.erase(path);
  }
  retired_ += it->second->counters();
  by_ufrag_.erase(it);
  for (const auto& path : released) {
    if (auto* writer = writer_for(path)) writer->release(path);
  }
}

rtc::MediaTransport::Counters MediaRouter::transport_totals() const {
  auto totals = retired_;
  for (const auto& [ufrag, transport] : by_ufrag_) totals += transport->counters();
  return totals;
}

void MediaRouter::forget_path(const TransportAddress& path) { by_path_.erase(path); }

rtc::stun::IceLiteSession* MediaRouter::find(std::string_view local_ufrag) {
  const auto it = by_ufrag_.find(std::string(local_ufrag));
  return it == by_ufrag_.end() ? nullptr : &it->second->ice();
}

MediaRouter::StunReply MediaRouter::answer_stun(std::span<const std::uint8_t> packet,
                                                const TransportAddress& source,
                                                rtc::stun::IceTime now) {
  auto outcome = rtc::stun::respond_to_stun(packet, source, *this, now);
  if (auto* accepted = std::get_if<rtc::stun::CheckAccepted>(&outcome)) {
    ++counters_.stun_answered;
    if (accepted->nominated) {
      const auto owner = by_ufrag_.find(accepted->session->local().ufrag);
      if (owner != by_ufrag_.end()) by_path_[source] = {source, owner->second.get()};
    }
    return {Verdict::Accepted, std::move(accepted->response)};
  }
  // A UDP source may be forged; a TCP peer completed a handshake from where it says.
  const bool forgeable = source.protocol == TransportProtocol::Udp;
  if (auto* rejected = std::get_if<rtc::stun::CheckRejected>(&outcome)) {
    // A refusal before authentication (400, 401) answers anyone: it shares the plain Binding
    // answers' bound, so the port cannot be made to reflect at a forged address either.
    const bool unauthenticated =
        rejected->reason == rtc::stun::RejectionReason::MissingCredentials ||
        rejected->reason == rtc::stun::RejectionReason::UnknownUsername ||
        rejected->reason == rtc::stun::RejectionReason::BadIntegrity;
    if (forgeable && unauthenticated && !binding_limits_.allow(source, now)) {
      ++counters_.stun_refusal_rate_limited;
      return {Verdict::Dropped, {}};
    }
    ++counters_.stun_refused;
    return {Verdict::Rejected, std::move(rejected->response)};
  }
  if (auto* binding = std::get_if<rtc::stun::BindingAnswered>(&outcome)) {
    if (forgeable && !binding_limits_.allow(source, now)) {
      ++counters_.binding_rate_limited;
      return {Verdict::Dropped, {}};
    }
    ++(binding->unknown_attributes ? counters_.binding_unknown_attribute
                                   : counters_.binding_answered);
    return {Verdict::Answered, std::move(binding->response)};
  }
  ++counters_.stun_dropped;
  switch (std::get<rtc::stun::CheckDropped>(outcome).reason) {
    case rtc::stun::DropReason::Malformed:
      ++counters_.stun_malformed;
      break;
    case rtc::stun::DropReason::NoFingerprint:
      ++counters_.stun_no_fingerprint;
      break;
    case rtc::stun::DropReason::BadFingerprint:
      ++counters_.stun_bad_fingerprint;
      break;
    case rtc::stun::DropReason::NotBindingRequest:
      ++counters_.stun_not_binding_request;
      break;
  }
  return {Verdict::Dropped, {}};
}

bool MediaRouter::deliver(std::span<std::uint8_t> packet, const TransportAddress& source) {
  auto* transport = transport_on(source);
  if (transport == nullptr) {
    ++counters_.unknown_source;  // no check nominated this path: not ours to read
    return false;
  }
  transport->on_datagram(packet);
  flush(*transport);
  return true;
}

rtc::MediaTransport* MediaRouter::transport_on(const TransportAddress& path) const {
  const auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : it->second.transport;
}

void MediaRouter::flush(rtc::MediaTransport& transport) {
  transport.drain_outgoing([this](const TransportAddress& to, std::span<const std::uint8_t> bytes) {
    if (auto* writer = writer_for(to)) {
      writer->write(to, bytes);
    } else {
      ++counters_.no_writer;
    }
  });
}

void MediaRouter::tick(std::chrono::milliseconds elapsed) {
  rtc::SctpAssociation::advance_timers(elapsed);
  for (auto& [ufrag, transport] : by_ufrag_) {
    transport->on_tick();
    flush(*transport);
  }
}

void MediaRouter::send_pending() {
  if (udp_writer_) udp_writer_->send_pending();
  if (tcp_writer_) tcp_writer_->send_pending();
}

}  // namespace webvox::media
