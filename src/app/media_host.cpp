#include "app/media_host.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "base/secure_random.hpp"
#include "rtc/sdp/fingerprint.hpp"

namespace webvox::app {

namespace asio = boost::asio;

namespace {

// ICE ufrag and password characters are letters, digits, '+' and '/' (RFC 8839 §5.4).
std::string ice_token(std::size_t bytes) {
  auto token = base::random_url_token(bytes);
  std::replace(token.begin(), token.end(), '-', '+');
  std::replace(token.begin(), token.end(), '_', '/');
  return token;
}

rtc::sdp::Fingerprint sdp_fingerprint(const rtc::DtlsCertificate& certificate) {
  const auto parsed =
      rtc::sdp::parse_fingerprint(std::string(rtc::sdp::kSha256) + " " + certificate.fingerprint());
  if (!parsed) throw std::runtime_error("the DTLS certificate's fingerprint does not parse");
  return parsed.value();
}

}  // namespace

std::string fingerprint_digest_text(const rtc::sdp::Fingerprint& fingerprint) {
  const auto text = rtc::sdp::format_fingerprint(fingerprint);
  return text.substr(text.find(' ') + 1);
}

MediaHost::MediaHost(Settings settings) try
    : settings_(std::move(settings)),
      work_(asio::make_work_guard(io_)),
      certificate_(rtc::DtlsCertificate::generate()),
      fingerprint_(sdp_fingerprint(certificate_)),
      edge_(io_, settings_.listen, router_, settings_.receive_buffer),
      udp_port_(edge_.local_endpoint().port()),
      tick_timer_(io_),
      last_tick_(std::chrono::steady_clock::now()) {
  router_.set_writer(rtc::stun::TransportProtocol::Udp, &edge_);
  if (settings_.tcp_port) {
    const asio::ip::tcp::endpoint tcp_listen{settings_.listen.address(), *settings_.tcp_port};
    try {
      tcp_edge_ = std::make_unique<media::TcpMediaEdge>(io_, tcp_listen, router_);
    } catch (const boost::system::system_error& e) {
      // Name the setting: "address in use" alone does not say which of the ports it was.
      throw std::runtime_error("media-tcp-port " + std::to_string(tcp_listen.port()) + ": " +
                               e.what());
    }
    router_.set_writer(rtc::stun::TransportProtocol::Tcp, tcp_edge_.get());
    tcp_port_ = tcp_edge_->local_endpoint().port();
  }
} catch (const boost::system::system_error& e) {
  // Only the UDP port's socket throws this here (the TCP one is named above): say which
  // setting and address, "address in use" alone does not.
  throw std::runtime_error("media-port " + std::to_string(settings.listen.port()) +
                           ": cannot use UDP " + settings.listen.address().to_string() + ":" +
                           std::to_string(settings.listen.port()) + ": " + e.code().message() +
                           " (another process has it? choose another media-port)");
}

MediaHost::~MediaHost() { stop(); }

void MediaHost::start() {
  if (thread_.joinable() || stopped_) return;
  if (tcp_edge_) tcp_edge_->start();
  edge_.start();
  tick_grid_ = base::TickGrid(kTick, kMaxTickLag, std::chrono::steady_clock::now());
  schedule_tick();
  thread_ = std::thread([this] { io_.run(); });
}

MediaHost::Stats MediaHost::stats() const {
  Stats stats;
  stats.router = router_.counters();
  stats.transports = router_.transport_totals();
  stats.connections = router_.transports();
  stats.paths = router_.paths();
  stats.udp = edge_.counters();
  if (tcp_edge_) {
    stats.tcp = tcp_edge_->counters();
    stats.tcp_sends = tcp_edge_->connection_totals();
    stats.tcp_connections = tcp_edge_->connections();
  }
  return stats;
}

bool MediaHost::ticking(std::chrono::steady_clock::time_point now,
                        std::chrono::steady_clock::duration within) const {
  if (stopped_flag_.load(std::memory_order_relaxed)) return false;
  const auto seen = last_tick_seen_.load(std::memory_order_relaxed);
  if (seen == 0) return false;
  const std::chrono::steady_clock::time_point last{std::chrono::steady_clock::duration(seen)};
  return now - last <= within;
}

void MediaHost::stop() {
  if (stopped_) return;
  stopped_ = true;
  stopped_flag_.store(true, std::memory_order_relaxed);
  asio::post(io_, [this] {
    tick_timer_.cancel();
    edge_.stop();
    if (tcp_edge_) tcp_edge_->stop();
  });
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void MediaHost::add_tick_handler(TickHandler handler) {
  // Before start() nothing runs on the thread yet; after it, the list is the thread's.
  if (!thread_.joinable()) {
    tick_handlers_.push_back(std::move(handler));
    return;
  }
  post([this, handler = std::move(handler)]() mutable {
    tick_handlers_.push_back(std::move(handler));
  });
}

void MediaHost::schedule_tick() {
  // On a fixed grid: each tick is one frame of every viewer's mix, which must keep real time.
  tick_timer_.expires_at(tick_grid_.next(std::chrono::steady_clock::now()));
  tick_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    const auto now = std::chrono::steady_clock::now();
    // Whole milliseconds for the router's timers; the remainder is kept for the next tick.
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_tick_);
    router_.tick(elapsed);
    last_tick_ += elapsed;
    for (const auto& handler : tick_handlers_) handler(now);
    router_.send_pending();
    last_tick_seen_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
    schedule_tick();
  });
}

rtc::stun::IceCredentials MediaHost::new_ice_credentials() { return {ice_token(6), ice_token(18)}; }

rtc::sdp::ServerTransport MediaHost::answer_transport(const rtc::stun::IceCredentials& ice) const {
  rtc::sdp::ServerTransport transport;
  transport.ice_ufrag = ice.ufrag;
  transport.ice_pwd = ice.password;
  transport.fingerprint = fingerprint_;
  transport.advertised_addresses = settings_.advertised_addresses;
  transport.udp_port = udp_port_;
  transport.tcp_port = tcp_port_;
  return transport;
}

std::uint32_t MediaHost::random_ssrc() {
  std::uint32_t ssrc = 0;
  while (ssrc == 0) RAND_bytes(reinterpret_cast<unsigned char*>(&ssrc), sizeof ssrc);
  return ssrc;
}

}  // namespace webvox::app
