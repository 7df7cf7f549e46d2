#include "http/http_server.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <array>
#include <string_view>
#include <system_error>

#include "http/http_session.hpp"

namespace webvox::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

ServerLimits resolve(ServerLimits limits) {
  if (limits.max_connections == 0) {
    rlimit files{};
    const std::uint64_t open_files =
        ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY ? files.rlim_cur
                                                                                   : 1024;
    limits.max_connections = default_max_connections(open_files);
  }
  return limits;
}

// After the grace period, how long closing what is left may take before stop() is done.
constexpr std::chrono::milliseconds kCloseMoment{500};

// Runs a callback once, whichever of several paths gets there first.
class Once {
 public:
  explicit Once(std::function<void()> callback) : callback_(std::move(callback)) {}
  void operator()() {
    if (!done_.exchange(true) && callback_) callback_();
  }

 private:
  std::atomic<bool> done_{false};
  std::function<void()> callback_;
};

}  // namespace

HttpServer::HttpServer(asio::io_context& io, asio::ssl::context& tls, RequestHandler& handler,
                       WebSocketService* websockets, ServerLimits limits)
    : io_(io),
      tls_(tls),
      handler_(handler),
      websockets_(websockets),
      limits_(resolve(limits)),
      connections_(std::make_shared<LiveConnections>(
          ConnectionBudget::Limits{limits_.max_connections, limits_.max_connections_per_source})),
      strand_(asio::make_strand(io)),
      acceptor_(strand_),
      retry_timer_(strand_),
      grace_timer_(std::make_shared<asio::steady_timer>(strand_)),
      accept_failure_log_(limits_.warning_interval),
      refusal_log_(limits_.warning_interval) {}

HttpServer::~HttpServer() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  // Should the io_context run again, nothing may reach this server's members; connections
  // that outlive the server (destroyed with the io_context) must not call back into it.
  connections_->cancel_when_empty();
  connections_->stop_all(StopMode::kNow);
}

void HttpServer::listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  auto check = [&ec, &endpoint](const char* step) {
    if (ec) {
      throw std::system_error(ec, std::string("cannot ") + step + " " +
                                      endpoint.address().to_string() + ":" +
                                      std::to_string(endpoint.port()));
    }
  };
  acceptor_.open(endpoint.protocol(), ec);
  check("open a socket for");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  check("set options on");
  acceptor_.bind(endpoint, ec);
  check("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  check("listen on");
  asio::post(strand_, [this] { accept(); });
}

tcp::endpoint HttpServer::local_endpoint() const { return acceptor_.local_endpoint(); }

ServerStats HttpServer::stats() const {
  return {accepted_.load(), refused_total_.load(), refused_per_source_.load(),
          accept_failures_.load(), connections_->size()};
}

void HttpServer::stop(std::chrono::milliseconds grace, std::function<void()> done) {
  auto finished = std::make_shared<Once>(std::move(done));
  asio::post(strand_, [this, grace, finished] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    connections_->stop_all(StopMode::kGraceful);
    grace_timer_->expires_after(grace);
    grace_timer_->async_wait([connections = connections_, timer = std::weak_ptr(grace_timer_),
                              finished](boost::system::error_code ec) {
      if (ec) return;
      const auto left = connections->size();
      if (left > 0) spdlog::info("closing {} connections still open after the grace period", left);
      connections->stop_all(StopMode::kNow);
      // Closing takes a turn on each connection's strand; a connection whose session is held
      // elsewhere (an unanswered Respond) may stay longer: don't wait for it past a moment.
      auto alive = timer.lock();
      if (!alive) return (*finished)();
      alive->expires_after(kCloseMoment);
      alive->async_wait([finished](boost::system::error_code) { (*finished)(); });
    });
    connections_->when_empty([strand = strand_, timer = std::weak_ptr(grace_timer_), finished] {
      (*finished)();
      asio::post(strand, [timer] {
        if (auto alive = timer.lock()) alive->cancel();
      });
    });
  });
}

void HttpServer::accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(
      asio::make_strand(io_), [this](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (ec) return on_accept_failure(ec);
        boost::system::error_code peer_error;
        const auto peer = socket.remote_endpoint(peer_error);
        if (!peer_error) {  // else it is gone already: closed with `socket`
          auto admission = connections_->admit(peer.address());
          if (!admission) {
            refuse(socket, admission.error());
          } else {
            ++accepted_;
            boost::system::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            serve_connection(std::move(socket), tls_, {handler_, websockets_, limits_},
                             std::move(admission).value());
          }
        }
        accept();
      });
}

void HttpServer::on_accept_failure(const boost::system::error_code& error) {
  // Out of file descriptors and the like: back off instead of spinning on the error, and say
  // so once per interval rather than ten times a second.
  ++accept_failures_;
  if (const auto held_back = accept_failure_log_.note(std::chrono::steady_clock::now())) {
    spdlog::warn(
        "accept failed: {} ({} more failures since the last warning; {} connections "
        "open)",
        error.message(), *held_back, connections_->size());
  }
  retry_timer_.expires_after(std::chrono::milliseconds(100));
  retry_timer_.async_wait([this](boost::system::error_code wait_error) {
    if (!wait_error && acceptor_.is_open()) accept();
  });
}

void HttpServer::refuse(tcp::socket& socket, ConnectionBudget::Refusal refusal) {
  // As cheap as possible: no session, no timer. A plain-HTTP client reads why; a TLS client
  // sees its handshake fail. What the client sent already is read first, so that closing
  // does not reset the connection before the answer arrives.
  static constexpr std::string_view kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nServer: webvox\r\nContent-Type: text/plain; "
      "charset=utf-8\r\nContent-Length: 16\r\nRetry-After: 10\r\nConnection: close\r\n\r\n"
      "server too busy\n";
  const bool total = refusal == ConnectionBudget::Refusal::kTotal;
  ++(total ? refused_total_ : refused_per_source_);
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  std::array<char, 4096> discard;
  socket.read_some(asio::buffer(discard), ignored);
  socket.write_some(asio::buffer(kBusy), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  if (const auto held_back = refusal_log_.note(std::chrono::steady_clock::now())) {
    spdlog::warn(
        "refusing connections: {} ({} total, {} per source; {} refused since the last "
        "warning)",
        total ? "the connection budget is full" : "a source holds its maximum",
        limits_.max_connections, limits_.max_connections_per_source, *held_back);
  }
}

}  // namespace webvox::http
