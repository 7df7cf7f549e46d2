#include "app/signalling_endpoint.hpp"

#include <chrono>

#include "app/source_key.hpp"
#include "signalling/signalling_session.hpp"

namespace webvox::app {
namespace {

// Lets the signalling logic talk through a WebSocket without knowing it is one.
class WebSocketPeerLink final : public signalling::PeerLink {
 public:
  explicit WebSocketPeerLink(std::weak_ptr<http::WebSocketConnection> connection)
      : connection_(std::move(connection)) {}

  void send(std::string json) override {
    if (auto connection = connection_.lock()) connection->send(std::move(json));
  }
  void close(std::uint16_t code, std::string reason) override {
    if (auto connection = connection_.lock()) connection->close(code, std::move(reason));
  }

 private:
  // Weak: the hub may outlive a socket that has gone away.
  std::weak_ptr<http::WebSocketConnection> connection_;
};

class SignallingHandler final : public http::WebSocketHandler {
 public:
  explicit SignallingHandler(std::shared_ptr<signalling::SignallingSession> session,
                             std::shared_ptr<signalling::PeerLink> link)
      : session_(std::move(session)), link_(std::move(link)) {}

  void on_message(std::string_view text) override { session_->on_message(text, signalling_now()); }
  void on_close() override { session_->on_closed(); }
  void on_deadline() override {
    if (!session_->signed_in()) {
      link_->close(signalling::close_code::kPolicyViolation, "sign in first");
    }
  }

 private:
  std::shared_ptr<signalling::SignallingSession> session_;
  std::shared_ptr<signalling::PeerLink> link_;
};

}  // namespace

signalling::SessionClock signalling_now() {
  using namespace std::chrono;
  return {steady_clock::now(),
          duration_cast<seconds>(system_clock::now().time_since_epoch()).count()};
}

bool SignallingEndpoint::accepts(const http::Request& request) const {
  const auto path = std::string_view(request.target).substr(0, request.target.find('?'));
  return path == "/signal";
}

std::shared_ptr<http::WebSocketHandler> SignallingEndpoint::open(
    const http::Request& request, std::shared_ptr<http::WebSocketConnection> connection) {
  auto link = std::make_shared<WebSocketPeerLink>(connection);
  return std::make_shared<SignallingHandler>(hub_.connect(link, source_key(request.peer_address)),
                                             link);
}

}  // namespace webvox::app
