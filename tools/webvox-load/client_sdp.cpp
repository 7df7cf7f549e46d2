#include "client_sdp.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <cstdio>
#include <stdexcept>
#include <string_view>

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
    throw std::runtime_error("client description: " + std::string(to_string(text.error().code)) +
                             " " + text.error().detail);
  }
  return std::move(text).value();
}

std::optional<std::uint8_t> opus_payload_type(const MediaDescription& media) {
  for (const auto& rtpmap : media.rtpmaps) {
    if (rtpmap.encoding_name == "opus" || rtpmap.encoding_name == "OPUS")
      return rtpmap.payload_type;
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

ViewerOffer write_viewer_offer(const ClientTransport& transport, std::uint32_t ssrc,
                               std::uint8_t audio_level_extension_id) {
  auto description = client_description(transport, DescriptionType::Offer);
  LocalAudioSection audio;
  audio.mid = "0";
  audio.direction = Direction::SendRecv;
  audio.audio_level_extension_id = audio_level_extension_id;
  audio.send_stream = SendStream{ssrc, "webvox-load", "SLStream", "SLAudio"};
  description.sections.emplace_back(audio);
  description.sections.emplace_back(LocalDataChannelSection{"1"});
  const auto written = write(description);

  // As CreateOffer gives it, before gathering: the candidates come out (to be trickled), the
  // sections keep the discard port and address.
  ViewerOffer offer;
  std::string text;
  std::size_t begin = 0;
  while (begin < written.size()) {
    auto end = written.find("\r\n", begin);
    if (end == std::string::npos) end = written.size();
    std::string line = written.substr(begin, end - begin);
    begin = end + 2;
    constexpr std::string_view kCandidate = "a=candidate:";
    if (line.starts_with(kCandidate)) {
      offer.candidates.push_back(line.substr(kCandidate.size()));
      continue;
    }
    if (line == "a=end-of-candidates") continue;
    if (line.starts_with("m=")) {
      const auto first_space = line.find(' ');
      const auto second_space = line.find(' ', first_space + 1);
      line = line.substr(0, first_space + 1) + "9" + line.substr(second_space);
    } else if (line.starts_with("c=IN IP4 ")) {
      line = "c=IN IP4 0.0.0.0";
    }
    text += line + "\r\n";
  }
  offer.sdp = munge_like_the_viewer(text);
  return offer;
}

std::string munge_like_the_viewer(const std::string& sdp) {
  // std::getline on "\n": every line keeps its "\r".
  std::string out;
  std::string opus;
  std::size_t begin = 0;
  while (begin < sdp.size()) {
    auto end = sdp.find('\n', begin);
    if (end == std::string::npos) end = sdp.size();
    const std::string line = sdp.substr(begin, end - begin);
    begin = end + 1;
    int payload_type = 0, rate = 0;
    if (std::sscanf(line.c_str(), "a=rtpmap:%i opus/%i/2", &payload_type, &rate) == 2) {
      opus = std::to_string(payload_type);
      out += "a=rtpmap:" + opus + " opus/48000/2\n";
    } else if (!opus.empty() && line.starts_with("a=fmtp:" + opus)) {
      out += line + "a=fmtp:" + opus +
             " minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxplaybackrate=48000;"
             "sprop-maxplaybackrate=48000;sprop-maxcapturerate=48000\n";
    } else {
      out += line + "\n";
    }
  }
  return out;
}

std::string write_receive_answer(const std::string& offer_text, const ClientTransport& transport) {
  const auto offer = parse_session_description(offer_text);
  if (!offer) throw std::runtime_error("the offer does not parse: " + offer.error().describe());
  auto description = client_description(transport, DescriptionType::Answer);
  for (const auto& media : offer.value().media) {
    const auto payload_type = opus_payload_type(media);
    if (media.media != "audio" || media.port == 0 || !media.mid || !payload_type) {
      description.sections.emplace_back(
          RejectedSection{media.media, media.proto, media.formats, media.mid});
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
  if (endpoint.fingerprint.empty())
    return std::string("the description has no sha-256 fingerprint");
  for (const auto& media : session.media) {
    if (media.media == "application" && (media.port != 0 || media.bundle_only))
      endpoint.data_channel = true;
  }
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
