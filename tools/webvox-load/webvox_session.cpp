#include "webvox_session.hpp"

namespace webvox::load {

using nlohmann::json;

namespace {
std::uint32_t speaker_ssrc(std::size_t index) {
  return 0x10000 + static_cast<std::uint32_t>(index);
}
}  // namespace

WebvoxSession::WebvoxSession(MediaContext& media, boost::asio::ip::tcp::endpoint server,
                             const Layout& layout, std::size_t slots, std::size_t index,
                             std::string token)
    : media_(media),
      server_(server),
      layout_(layout),
      slots_(slots),
      index_(index),
      token_(std::move(token)),
      peer_(media, index + 1) {}

void WebvoxSession::start() {
  signalling_ = std::make_shared<SignallingClient>(
      media_.io, server_,
      SignallingClient::Handlers{[this] {
                                   signalling_->send({{"type", "hello"},
                                                      {"token", token_},
                                                      {"name", "load " + std::to_string(index_)}});
                                 },
                                 [this](const json& message) { on_message(message); },
                                 [this](const std::string& reason) {
                                   if (!stopped_) fail("signalling closed: " + reason);
                                 }});
  signalling_->connect();
}

void WebvoxSession::on_message(const json& message) {
  const auto type = message.value("type", "");
  if (type == "welcome") {
    if (!message.contains("channel")) return fail("welcome names no channel: not a join token?");
    stage_ = Stage::Joining;
    signalling_->send({{"type", "join"}, {"id", 1}, {"channel", message["channel"]}});
  } else if (type == "joined") {
    if (message["channelInfo"].value("forwarding", "") != "sfu") {
      return fail("the channel is not server-forwarded (webvoxd not in media-mode sfu)");
    }
    const auto spot = layout_.spot(index_);
    signalling_->send(
        {{"type", "position"}, {"x", spot.x}, {"y", spot.y}, {"z", spot.z}, {"yaw", 0.0}});
    ClientOfferSettings offer;
    offer.transport = peer_.local();
    offer.send_ssrc = speaker_ssrc(index_);
    offer.receive_slots = slots_;
    offer.audio_level_extension_id = media_.shape.audio_level_extension_id;
    stage_ = Stage::Negotiating;
    signalling_->send({{"type", "sfu-offer"}, {"sdp", write_client_offer(offer)}});
  } else if (type == "sfu-answer") {
    auto answer = read_remote_description(message.value("sdp", ""));
    if (auto* reason = std::get_if<std::string>(&answer)) return fail(*reason);
    stage_ = Stage::Connecting;
    peer_.connect(std::get<RemoteEndpoint>(answer));
  } else if (type == "error" && stage_ != Stage::Ready) {
    fail("server error " + message.value("code", "") + ": " + message.value("message", ""));
  }
}

void WebvoxSession::speak() {
  if (layout_.speaks(index_))
    peer_.send_probe(static_cast<std::uint32_t>(index_), speaker_ssrc(index_),
                     layout_.level(index_));
}

LoadSession::Stage WebvoxSession::stage() const {
  if (stage_ == Stage::Failed || peer_.failure()) return Stage::Failed;
  if (stage_ == Stage::Connecting && peer_.ready()) return Stage::Ready;
  return stage_;
}

std::string WebvoxSession::failure() const {
  if (!failure_.empty()) return failure_;
  return peer_.failure().value_or("");
}

void WebvoxSession::fail(std::string reason) {
  if (stage_ == Stage::Failed) return;
  stage_ = Stage::Failed;
  failure_ = std::move(reason);
}

void WebvoxSession::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (signalling_) signalling_->close();
  peer_.stop();
}

}  // namespace webvox::load
