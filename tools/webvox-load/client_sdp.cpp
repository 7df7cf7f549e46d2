#include "client_sdp.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <stdexcept>

#include "rtc/sdp/browser_offer.hpp"
#include "rtc/sdp/candidate.hpp"
#include "rtc/sdp/description_writer.hpp"
#include "rtc/sdp/local_description.hpp"
#include "rtc/sdp/sdp_parser.hpp"

namespace webvox::load {
namespace {

using namespace rtc::sdp;

LocalDescription client_description(const ClientTransport& transport, DescriptionType type) {
  LocalDescription description;
  description.type = type;
  description.session_id = transport.session_id;
  // An offer leaves the DTLS role to the answerer; answering, we take the client's.
  description.setup = type == DescriptionType::Offer ? SetupRole::ActPass : SetupRole::Active;
  description.ice_lite = false;
  description.transport.ice_ufrag = transport.ice.ufrag;
  description.transport.ice_pwd = transport.ice.password;
  description.transport.fingerprint = transport.fingerprint;
  description.transport.advertised_addresses = {transport.address};
  description.transport.udp_port = transport.port;
  return description;
}

std::string write(const LocalDescription& description) {
  auto text = write_description(description);
  if (!text) {
    throw std::runtime_error("client description: " + std::string(to_string(text.error().code)) + " " +
                             text.error().detail);
  }
  return std::move(text).value();
}

std::optional<std::uint8_t> opus_payload_type(const MediaDescription& media) {
  for (const auto& rtpmap : media.rtpmaps) {
    if (rtpmap.encoding_name == "opus" || rtpmap.encoding_name == "OPUS") return rtpmap.payload_type;
  }
  return std::nullopt;
}

std::optional<std::uint8_t> audio_level_id(const MediaDescription& media) {
  for (const auto& extmap : media.transport.extmaps) {
    if (extmap.uri == kAudioLevelUri) return extmap.id;
  }
  return std::nullopt;
}

}  // namespace

std::string write_client_offer(const ClientOfferSettings& settings) {
  auto description = client_description(settings.transport, DescriptionType::Offer);
  if (settings.send) {
    LocalAudioSection microphone;
    microphone.mid = "0";
    microphone.direction = Direction::SendOnly;
    microphone.audio_level_extension_id = settings.audio_level_extension_id;
    microphone.send_stream = SendStream{settings.send_ssrc, "webvox-load", "load", "microphone"};
    description.sections.emplace_back(microphone);
  }
  for (std::size_t slot = 1; slot <= settings.receive_slots; ++slot) {
    LocalAudioSection receive;
    receive.mid = std::to_string(slot);
    receive.direction = Direction::RecvOnly;
    receive.audio_level_extension_id = settings.audio_level_extension_id;
    description.sections.emplace_back(receive);
  }
  return write(description);
}

std::string write_receive_answer(const std::string& offer_text, const ClientTransport& transport) {
  const auto offer = parse_session_description(offer_text);
  if (!offer) throw std::runtime_error("the offer does not parse: " + offer.error().describe());
  auto description = client_description(transport, DescriptionType::Answer);
  for (const auto& media : offer.value().media) {
    const auto payload_type = opus_payload_type(media);
    if (media.media != "audio" || media.port == 0 || !media.mid || !payload_type) {
      description.sections.emplace_back(RejectedSection{media.media, media.proto, media.formats, media.mid});
      continue;
    }
    LocalAudioSection receive;
    receive.mid = *media.mid;
    receive.direction = Direction::RecvOnly;
    receive.opus_payload_type = *payload_type;
    receive.audio_level_extension_id = audio_level_id(media);
    description.sections.emplace_back(receive);
  }
  return write(description);
}

std::variant<RemoteEndpoint, std::string> read_remote_description(const std::string& sdp) {
  const auto parsed = parse_session_description(sdp);
  if (!parsed) return "the description does not parse: " + parsed.error().describe();
  const auto& session = parsed.value();
  if (session.media.empty()) return std::string("the description has no media section");
  const auto& first = session.media.front();
  // Media-level attributes override the session's (RFC 8839 §5.4).
  const auto pick = [&](const auto& media_value, const auto& session_value) -> const auto& {
    return media_value ? media_value : session_value;
  };
  const auto& ufrag = pick(first.transport.ice_ufrag, session.transport.ice_ufrag);
  const auto& pwd = pick(first.transport.ice_pwd, session.transport.ice_pwd);
  const auto& setup = pick(first.transport.setup, session.transport.setup);
  const auto& fingerprints = first.transport.fingerprints.empty() ? session.transport.fingerprints
                                                                  : first.transport.fingerprints;
  if (!ufrag || !pwd) return std::string("the description has no ICE credentials");
  RemoteEndpoint endpoint;
  endpoint.ice = {*ufrag, *pwd};
  endpoint.setup = setup.value_or(SetupRole::ActPass);
  for (const auto& fingerprint : fingerprints) {
    if (fingerprint.hash_function != kSha256) continue;
    const auto text = format_fingerprint(fingerprint);
    endpoint.fingerprint = text.substr(text.find(' ') + 1);
  }
  if (endpoint.fingerprint.empty()) return std::string("the description has no sha-256 fingerprint");
  for (const auto& candidate : first.candidates) {
    if (candidate.transport != CandidateTransport::Udp || candidate.component != 1) continue;
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address_v4(candidate.address, error);
    if (error) continue;
    endpoint.address = rtc::stun::TransportAddress::ipv4(address.to_bytes(), candidate.port);
    return endpoint;
  }
  return std::string("the description has no UDP IPv4 candidate");
}

}  // namespace webvox::load
