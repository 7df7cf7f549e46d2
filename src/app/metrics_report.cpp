#include "app/metrics_report.hpp"

#include <array>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

#include "base/prometheus_text.hpp"

namespace webvox::app {
namespace {

using base::PrometheusText;
using Type = PrometheusText::Type;

using CountRows = std::initializer_list<std::pair<const char*, std::uint64_t>>;
using SizeRows = std::initializer_list<std::pair<const char*, std::size_t>>;

// A counter family with one label: one sample per (label value, count).
void counter_by(PrometheusText& out, std::string_view name, std::string_view help,
                const char* label, CountRows rows) {
  out.family(name, Type::Counter, help);
  for (const auto& [value, count] : rows) out.sample(name, {{label, value}}, count);
}

// A gauge family with one label: one sample per (label value, size now).
void gauge_by(PrometheusText& out, std::string_view name, std::string_view help, const char* label,
              SizeRows rows) {
  out.family(name, Type::Gauge, help);
  for (const auto& [value, size] : rows) {
    out.sample(name, {{label, value}}, static_cast<double>(size));
  }
}

struct Reason {
  const char* layer;
  const char* reason;
  std::uint64_t count;
};

// Every packet the media path dropped, each under its own reason (and the layer that
// dropped it): the reasons never merge, so an operator can tell an attack (forged SRTP) from
// a network that duplicates (replays) from a client bug (media before keys).
std::vector<Reason> media_drops(const MetricsSnapshot& s) {
  const auto& t = s.media.transports;
  const auto& r = s.media.router;
  const auto& f = s.sfu.forwarding;
  return {
      {"transport", "srtp_replayed", t.srtp_replayed},
      {"transport", "srtp_auth_failed", t.srtp_auth_failed},
      {"transport", "srtp_unprotect_failed", t.srtp_unprotect_failed},
      {"transport", "srtp_protect_failed", t.srtp_protect_failed},
      {"transport", "late_dtls", t.late_dtls},
      {"transport", "media_before_keys", t.media_before_keys},
      {"transport", "unknown_kind", t.unknown_kind},
      {"transport", "stray_sctp", t.stray_sctp},
      {"transport", "no_path", t.no_path},
      {"router", "unknown_source", r.unknown_source},
      {"router", "no_writer", r.no_writer},
      {"router", "stun_malformed", r.stun_malformed},
      {"router", "stun_no_fingerprint", r.stun_no_fingerprint},
      {"router", "stun_bad_fingerprint", r.stun_bad_fingerprint},
      {"router", "stun_not_binding_request", r.stun_not_binding_request},
      {"router", "binding_rate_limited", r.binding_rate_limited},
      {"router", "stun_refusal_rate_limited", r.stun_refusal_rate_limited},
      {"udp", "sendmmsg_unsent", s.media.udp.datagrams_unsent},
      {"tcp", "not_connected", s.media.tcp.not_connected},
      {"tcp", "send_closed", s.media.tcp_sends.dropped_closed},
      {"tcp", "send_unframeable", s.media.tcp_sends.dropped_unframeable},
      {"tcp", "send_queue_full", s.media.tcp_sends.dropped_queue_full},
      {"sfu", "malformed", f.malformed},
      {"sfu", "unknown_speaker", f.unknown_speaker},
      {"sfu", "unrouted", f.unrouted},
      {"sfu", "not_opus", f.not_opus},
      {"sfu", "slot_duplicate", f.slot_duplicate},
      {"sfu", "slot_older_than_switch", f.slot_older_than_switch},
      {"sfu", "slot_too_late", f.slot_too_late},
      {"sfu", "slot_from_former_source", f.slot_from_former_source},
      {"rtcp", "malformed", s.sfu.rtcp.malformed_in},
      {"viewer", "rtp_malformed", s.viewers.rtp_malformed},
      {"viewer", "rtp_not_mixed", s.viewers.rtp_not_mixed},
  };
}

void vivox_metrics(PrometheusText& out, const VivoxCallMetrics::Snapshot& vivox) {
  out.family("webvox_vivox_requests_total", Type::Counter,
             "Vivox API calls, by endpoint (script name; other: not an API call) and result "
             "(ok, or the error code's name).");
  for (const auto& [key, count] : vivox.calls) {
    out.sample("webvox_vivox_requests_total", {{"endpoint", key.first}, {"result", key.second}},
               count);
  }
  out.family("webvox_vivox_request_duration_seconds", Type::Histogram,
             "Time to handle one Vivox API call, from parsed request to response body.");
  for (const auto& [endpoint, latency] : vivox.latency) {
    out.histogram("webvox_vivox_request_duration_seconds", {{"endpoint", endpoint}},
                  VivoxCallMetrics::kBoundsSeconds, latency.buckets, latency.sum_seconds);
  }
}

void sign_in_metrics(PrometheusText& out, const MetricsSnapshot& s) {
  std::uint64_t vivox_refused = 0, vivox_throttled = 0;
  for (const auto& [key, count] : s.vivox.calls) {
    if (key.first != "viv_signin.php") continue;
    if (key.second == "too_many_attempts") {
      vivox_throttled += count;
    } else if (key.second != "ok") {
      vivox_refused += count;
    }
  }
  out.family("webvox_sign_in_failures_total", Type::Counter,
             "Sign-ins refused: the region module's Vivox admin sign-in (vivox_admin), admin "
             "HTTP Basic credentials (admin_http), browser hellos (hello); reason refused "
             "(wrong credentials), throttled (not checked: too many failures) or bad_token.");
  const std::array<Reason, 7> rows{{
      {"vivox_admin", "refused", vivox_refused},
      {"vivox_admin", "throttled", vivox_throttled},
      {"admin_http", "refused", s.sign_in.admin_http_refused},
      {"admin_http", "throttled", s.sign_in.admin_http_throttled},
      {"hello", "refused", s.sign_in.hello_password_refused},
      {"hello", "throttled", s.sign_in.hello_throttled},
      {"hello", "bad_token", s.sign_in.hello_token_refused},
  }};
  for (const auto& row : rows) {
    out.sample("webvox_sign_in_failures_total", {{"door", row.layer}, {"reason", row.reason}},
               row.count);
  }
}

// The viewer mixer's delay histogram has 1 ms bins; these bounds (ms) are what is exported.
constexpr std::array<std::size_t, 12> kMixDelayBoundsMs{1,  2,  5,  10,  20,  30,
                                                        40, 60, 80, 100, 150, 199};

void mix_delay_metrics(PrometheusText& out, const mixer::DelayHistogram& delays) {
  out.family("webvox_viewer_mix_delay_seconds", Type::Histogram,
             "Viewer voice: a speaker's packet's arrival to the mix tick that used it (1 ms "
             "bins; the sum counts each sample at its bin's middle).");
  std::array<double, kMixDelayBoundsMs.size()> bounds{};
  std::array<std::uint64_t, kMixDelayBoundsMs.size() + 1> buckets{};
  double sum = 0;
  std::size_t bin = 0;
  for (std::size_t j = 0; j < kMixDelayBoundsMs.size(); ++j) {
    bounds[j] = static_cast<double>(kMixDelayBoundsMs[j]) / 1000.0;
    for (; bin < kMixDelayBoundsMs[j]; ++bin) buckets[j] += delays.bin(bin);
  }
  for (; bin < mixer::DelayHistogram::kBins; ++bin) buckets.back() += delays.bin(bin);
  for (std::size_t i = 0; i < mixer::DelayHistogram::kBins; ++i) {
    sum += static_cast<double>(delays.bin(i)) * (static_cast<double>(i) + 0.5) / 1000.0;
  }
  out.histogram("webvox_viewer_mix_delay_seconds", {}, bounds, buckets, sum);
}

}  // namespace

std::string render_metrics(const MetricsSnapshot& s) {
  PrometheusText out;
  out.family("webvox_build_info", Type::Gauge, "Always 1; the version in a label.");
  out.sample("webvox_build_info", {{"version", s.version}}, 1.0);
  out.gauge("webvox_start_time_seconds", "When webvoxd started, in Unix time.",
            s.start_time_seconds);

  // The HTTP/WebSocket edge.
  out.gauge("webvox_http_connections", "HTTP and WebSocket connections open now.",
            static_cast<double>(s.http.open));
  out.counter("webvox_http_connections_accepted_total", "Connections admitted since start.",
              s.http.accepted);
  counter_by(out, "webvox_http_connections_refused_total",
             "Connections closed at once: the whole budget (total) or the source's share "
             "(per_source) was full.",
             "reason",
             {{"total", s.http.refused_total}, {"per_source", s.http.refused_per_source}});
  out.counter("webvox_http_accept_failures_total", "accept() failures (out of descriptors…).",
              s.http.accept_failures);

  // Who is here.
  out.gauge("webvox_signalling_sessions", "Browser signalling WebSockets open now.",
            static_cast<double>(s.census.sessions));
  out.gauge("webvox_signed_in_sessions", "Browser signalling sessions signed in (hello) now.",
            static_cast<double>(s.census.signed_in));
  gauge_by(out, "webvox_channels",
           "Channels with members now, by how voice flows: mesh (peer to peer), forwarded "
           "(through the server), viewer_mix (viewer voice rooms, mixed by the server).",
           "mode",
           {{"mesh", s.census.mesh_channels},
            {"forwarded", s.census.forwarded_channels},
            {"viewer_mix", s.viewers.rooms}});
  gauge_by(out, "webvox_channel_members",
           "Members in those channels now: browsers in mesh and forwarded channels, viewer "
           "sessions in viewer voice rooms.",
           "mode",
           {{"mesh", s.census.mesh_members},
            {"forwarded", s.census.forwarded_members},
            {"viewer_mix", s.viewers.sessions}});

  // The media port.
  out.gauge("webvox_media_connections",
            "WebRTC connections the media port serves now (forwarded browsers, viewers).",
            static_cast<double>(s.media.connections));
  out.gauge("webvox_media_paths", "Network paths (UDP addresses, ICE-TCP connections) in use.",
            static_cast<double>(s.media.paths));
  out.gauge("webvox_media_tcp_connections", "ICE-TCP connections open now.",
            static_cast<double>(s.media.tcp_connections));
  out.family("webvox_media_packets_total", Type::Counter,
             "SRTP packets decrypted (received) and encrypted (sent) by the media transports.");
  out.sample("webvox_media_packets_total", {{"direction", "received"}, {"kind", "rtp"}},
             s.media.transports.rtp_in);
  out.sample("webvox_media_packets_total", {{"direction", "received"}, {"kind", "rtcp"}},
             s.media.transports.rtcp_in);
  out.sample("webvox_media_packets_total", {{"direction", "sent"}, {"kind", "rtp"}},
             s.media.transports.rtp_out);
  counter_by(out, "webvox_media_udp_datagrams_total",
             "Datagrams on the UDP media port: received, sent (taken by the kernel).", "direction",
             {{"received", s.media.udp.datagrams_in}, {"sent", s.media.udp.datagrams_out}});
  counter_by(out, "webvox_media_udp_send_calls_total",
             "sendmmsg calls: all of them, those the kernel took only part of (partial) or none "
             "of (failed).",
             "outcome",
             {{"all", s.media.udp.send_calls},
              {"partial", s.media.udp.partial_sends},
              {"failed", s.media.udp.failed_sends}});
  const auto& router = s.media.router;
  counter_by(out, "webvox_media_stun_total",
             "STUN on the media port: ICE checks answered or refused, plain Binding requests "
             "answered (with the mapped address, or 420 for unknown attributes).",
             "outcome",
             {{"check_answered", router.stun_answered},
              {"check_refused", router.stun_refused},
              {"binding_answered", router.binding_answered},
              {"binding_unknown_attribute", router.binding_unknown_attribute}});
  const auto& tcp = s.media.tcp;
  counter_by(out, "webvox_media_tcp_connection_events_total",
             "ICE-TCP connections: accepted, refused (over the cap), closed for bad framing, "
             "garbage, no valid check in time, or any reason (closed).",
             "outcome",
             {{"accepted", tcp.accepted},
              {"refused", tcp.refused},
              {"closed_bad_framing", tcp.closed_bad_framing},
              {"closed_garbage", tcp.closed_garbage},
              {"closed_unauthenticated", tcp.closed_unauthenticated},
              {"closed", tcp.closed}});
  out.family("webvox_media_dropped_packets_total", Type::Counter,
             "Packets the media path dropped, by the layer that dropped them and why "
             "(docs/metrics.md explains each reason).");
  for (const auto& drop : media_drops(s)) {
    out.sample("webvox_media_dropped_packets_total",
               {{"layer", drop.layer}, {"reason", drop.reason}}, drop.count);
  }

  // Forwarding.
  out.gauge("webvox_sfu_rooms", "Channels the server forwards now.",
            static_cast<double>(s.sfu.rooms));
  out.counter("webvox_forwarded_packets_total",
              "RTP packets forwarded to a listener's slot (one per listener).",
              s.sfu.forwarding.forwarded);
  out.counter("webvox_forwarded_bytes_total", "Bytes of those packets, RTP before SRTP.",
              s.sfu.forwarding.forwarded_bytes);
  out.counter("webvox_forwarding_received_packets_total",
              "Speakers' RTP packets that reached the forwarding.", s.sfu.forwarding.received);

  // Viewer voice.
  counter_by(out, "webvox_viewer_provisions_total",
             "Viewer voice sessions asked for: made (ok) or refused.", "result",
             {{"ok", s.viewers.provisioned}, {"refused", s.viewers.provision_refused}});
  out.counter("webvox_viewer_mixed_packets_total", "Mixed packets sent to viewers.",
              s.viewers.mixed_packets_out);
  out.family("webvox_viewer_sldata_dropped_total", Type::Counter,
             "Viewer data-channel (SLData) messages dropped, by reason.");
  for (std::size_t i = 0; i < s.viewers.sldata_dropped.size(); ++i) {
    out.sample("webvox_viewer_sldata_dropped_total",
               {{"reason", std::string(to_string(static_cast<SlDataDrop>(i)))}},
               s.viewers.sldata_dropped[i]);
  }
  mix_delay_metrics(out, s.viewers.mix_delay);

  vivox_metrics(out, s.vivox);
  sign_in_metrics(out, s);
  return out.take();
}

}  // namespace webvox::app
