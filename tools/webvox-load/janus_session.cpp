#include "janus_session.hpp"

namespace webvox::load {

using nlohmann::json;

namespace {
std::uint64_t feed_id(std::size_t index) { return index + 1; }  // Janus ids are never 0
std::uint32_t speaker_ssrc(std::size_t index) {
  return 0x10000 + static_cast<std::uint32_t>(index);
}
}  // namespace

JanusSession::JanusSession(MediaContext& media, JanusApi& api, const Layout& layout,
                           std::uint64_t room, std::size_t index)
    : media_(media),
      api_(api),
      layout_(layout),
      room_(room),
      index_(index),
      subscriber_(media, 2 * index + 2) {
  if (layout.speaks(index)) publisher_ = std::make_unique<MediaPeer>(media, 2 * index + 1);
}

const json* JanusSession::plugin_data(const std::optional<json>& reply, const std::string& step) {
  if (!reply) {
    fail(step + ": no answer from Janus");
    return nullptr;
  }
  const auto* data = reply->contains("plugindata") ? &(*reply)["plugindata"]["data"] : nullptr;
  if (!data || data->contains("error")) {
    fail(step + ": " + (data ? data->value("error", "") : reply->dump()));
    return nullptr;
  }
  return data;
}

void JanusSession::start() {
  if (!publisher_) return;
  api_.attach([this](std::optional<std::uint64_t> handle) {
    if (!handle) return fail("attach (publisher) failed");
    const json join = {
        {"request", "join"}, {"ptype", "publisher"}, {"room", room_}, {"id", feed_id(index_)}};
    api_.message(*handle, join, std::nullopt, [this, handle](const std::optional<json>& reply) {
      if (plugin_data(reply, "join as publisher")) publish(*handle);
    });
  });
}

void JanusSession::publish(std::uint64_t handle) {
  ClientOfferSettings offer;
  offer.transport = publisher_->local();
  offer.send_ssrc = speaker_ssrc(index_);
  offer.receive_slots = 0;
  offer.audio_level_extension_id = media_.shape.audio_level_extension_id;
  const json jsep = {{"type", "offer"}, {"sdp", write_client_offer(offer)}};
  api_.message(handle, {{"request", "publish"}}, jsep, [this](const std::optional<json>& reply) {
    if (!plugin_data(reply, "publish")) return;
    if (!reply->contains("jsep")) return fail("publish: Janus sent no answer");
    auto answer = read_remote_description((*reply)["jsep"].value("sdp", ""));
    if (auto* reason = std::get_if<std::string>(&answer)) return fail("publish: " + *reason);
    publisher_->connect(std::get<RemoteEndpoint>(answer));
  });
}

bool JanusSession::published() const {
  return !publisher_ || publisher_->ready() || !failure_.empty();
}

void JanusSession::subscribe() {
  const auto speakers = layout_.received_speakers(index_);
  if (speakers.empty() || subscribing_) return;
  subscribing_ = true;
  api_.attach([this, speakers](std::optional<std::uint64_t> handle) {
    if (!handle) return fail("attach (subscriber) failed");
    json streams = json::array();
    for (const auto speaker : speakers) streams.push_back({{"feed", feed_id(speaker)}});
    const json join = {
        {"request", "join"}, {"ptype", "subscriber"}, {"room", room_}, {"streams", streams}};
    api_.message(*handle, join, std::nullopt, [this, handle](const std::optional<json>& reply) {
      if (!plugin_data(reply, "join as subscriber")) return;
      if (!reply->contains("jsep")) return fail("subscribe: Janus sent no offer");
      const auto offer = (*reply)["jsep"].value("sdp", "");
      auto remote = read_remote_description(offer);
      if (auto* reason = std::get_if<std::string>(&remote)) return fail("subscribe: " + *reason);
      std::string answer;
      try {
        answer = write_receive_answer(offer, subscriber_.local());
      } catch (const std::exception& e) {
        return fail(std::string("subscribe: ") + e.what());
      }
      subscriber_.connect(std::get<RemoteEndpoint>(remote));
      api_.message(*handle, {{"request", "start"}}, json{{"type", "answer"}, {"sdp", answer}},
                   [this](const std::optional<json>& reply) { plugin_data(reply, "start"); });
    });
  });
}

void JanusSession::tick(std::chrono::steady_clock::time_point now) {
  if (publisher_) publisher_->tick(now);
  subscriber_.tick(now);
}

void JanusSession::speak() {
  if (publisher_)
    publisher_->send_probe(static_cast<std::uint32_t>(index_), speaker_ssrc(index_),
                           layout_.level(index_));
}

void JanusSession::stop() {
  if (publisher_) publisher_->stop();
  subscriber_.stop();
}

LoadSession::Stage JanusSession::stage() const {
  if (!failure_.empty() || (publisher_ && publisher_->failure()) || subscriber_.failure())
    return Stage::Failed;
  const bool sending = !publisher_ || publisher_->ready();
  const bool receiving = layout_.received_speakers(index_).empty() || subscriber_.ready();
  if (sending && receiving) return Stage::Ready;
  return subscribing_ ? Stage::Connecting : Stage::Negotiating;
}

void JanusSession::fail(std::string reason) {
  if (failure_.empty()) failure_ = std::move(reason);
}

}  // namespace webvox::load
