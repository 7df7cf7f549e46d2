#include "rtc/sdp/description_writer.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "rtc/sdp/candidate.hpp"
#include "rtc/sdp/server_candidates.hpp"
#include "rtc/sdp/text_scan.hpp"

namespace webvox::rtc::sdp {
namespace {

class LineWriter {
 public:
  void line(std::string_view text) {
    text_ += text;
    text_ += "\r\n";
  }
  void attribute(std::string_view name) { line("a=" + std::string(name)); }
  void attribute(std::string_view name, std::string_view value) {
    line("a=" + std::string(name) + ':' + std::string(value));
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

const std::string* accepted_mid(const LocalSection& section) {
  if (const auto* audio = std::get_if<LocalAudioSection>(&section)) return &audio->mid;
  if (const auto* channel = std::get_if<LocalDataChannelSection>(&section)) return &channel->mid;
  return nullptr;
}

bool server_sends(Direction direction) {
  return direction == Direction::SendRecv || direction == Direction::SendOnly;
}

std::optional<WriteError> check_transport(const LocalDescription& description) {
  const auto& transport = description.transport;
  if (!is_valid_ice_ufrag(transport.ice_ufrag) || !is_valid_ice_pwd(transport.ice_pwd)) {
    return WriteError{WriteErrorCode::InvalidIceCredentials, {}};
  }
  if (transport.fingerprint.hash_function != kSha256 || transport.fingerprint.digest.size() != 32) {
    return WriteError{WriteErrorCode::FingerprintNotSha256, transport.fingerprint.hash_function};
  }
  if (transport.advertised_addresses.empty()) {
    return WriteError{WriteErrorCode::NoAdvertisedAddress, {}};
  }
  // Each candidate must read back under RFC 8839's grammar, which is what a browser checks.
  for (const auto& candidate : server_candidates(transport)) {
    if (!parse_candidate(format_candidate(candidate))) {
      return WriteError{WriteErrorCode::InvalidAdvertisedAddress, candidate.address};
    }
  }
  const bool offer = description.type == DescriptionType::Offer;
  const bool role_fits =
      offer ? description.setup == SetupRole::ActPass
            : (description.setup == SetupRole::Active || description.setup == SetupRole::Passive);
  if (!role_fits) return WriteError{WriteErrorCode::SetupRoleDoesNotFitType, {}};
  return std::nullopt;
}

bool is_valid_send_stream(const SendStream& stream) {
  return is_visible(stream.cname) && parse_msid(stream.stream_id + ' ' + stream.track_id) &&
         stream.cname.size() <= 255;
}

// name[=value] pairs joined by ';': a name is a token, a value visible text without ';'.
bool are_valid_format_parameters(const std::vector<FormatParameter>& parameters) {
  return std::all_of(parameters.begin(), parameters.end(), [](const FormatParameter& p) {
    return is_token(p.name) &&
           (p.value.empty() || (is_visible(p.value) && p.value.find(';') == std::string::npos));
  });
}

std::optional<WriteError> check_sections(const LocalDescription& description) {
  std::set<std::string> mids;
  for (const auto& section : description.sections) {
    const auto* mid = accepted_mid(section);
    if (const auto* rejected = std::get_if<RejectedSection>(&section)) {
      if (rejected->mid) mid = &*rejected->mid;
    }
    if (mid == nullptr) continue;
    if (!is_token(*mid) || mid->size() > 64) return WriteError{WriteErrorCode::InvalidMid, *mid};
    if (!mids.insert(*mid).second) return WriteError{WriteErrorCode::DuplicateMid, *mid};
    if (const auto* audio = std::get_if<LocalAudioSection>(&section)) {
      if (server_sends(audio->direction) && !audio->send_stream) {
        return WriteError{WriteErrorCode::SendingWithoutStream, *mid};
      }
      if (audio->send_stream && !is_valid_send_stream(*audio->send_stream)) {
        return WriteError{WriteErrorCode::InvalidSendStream, *mid};
      }
      if (!are_valid_format_parameters(audio->opus_parameters)) {
        return WriteError{WriteErrorCode::InvalidFormatParameters, *mid};
      }
    }
  }
  const bool any_accepted = std::any_of(description.sections.begin(), description.sections.end(),
                                        [](const auto& s) { return accepted_mid(s) != nullptr; });
  if (!any_accepted) return WriteError{WriteErrorCode::NoAcceptedSection, {}};
  return std::nullopt;
}

std::string address_type(const std::string& address) {
  return address.find(':') == std::string::npos ? "IP4" : "IP6";
}

void write_session(const LocalDescription& description, LineWriter& out) {
  const auto& address = description.transport.advertised_addresses.front();
  out.line("v=0");
  out.line("o=webvox " + std::to_string(description.session_id) + ' ' +
           std::to_string(description.session_version) + " IN " + address_type(address) + ' ' +
           address);
  out.line("s=-");
  out.line("t=0 0");
  if (description.ice_lite) out.attribute("ice-lite");
  std::string bundle = "BUNDLE";
  for (const auto& section : description.sections) {
    if (const auto* mid = accepted_mid(section)) bundle += ' ' + *mid;
  }
  out.attribute("group", bundle);
  out.attribute("msid-semantic", "WMS *");
}

// The transport of the whole bundle, repeated in each accepted section because browsers
// check credentials per section; candidates only in the first (the BUNDLE tag, RFC 8843 §7).
void write_transport(const LocalDescription& description, bool bundle_tag, LineWriter& out) {
  const auto& transport = description.transport;
  out.attribute("ice-ufrag", transport.ice_ufrag);
  out.attribute("ice-pwd", transport.ice_pwd);
  out.attribute("fingerprint", format_fingerprint(transport.fingerprint));
  out.attribute("setup", to_string(description.setup));
  if (!bundle_tag) return;
  for (const auto& candidate : server_candidates(transport)) {
    out.attribute("candidate", format_candidate(candidate));
  }
  out.attribute("end-of-candidates");
}

void write_media_line(std::string_view media, std::uint16_t port, std::string_view proto,
                      std::string_view formats, const LocalDescription& description,
                      LineWriter& out) {
  const auto& address = description.transport.advertised_addresses.front();
  out.line("m=" + std::string(media) + ' ' + std::to_string(port) + ' ' + std::string(proto) + ' ' +
           std::string(formats));
  out.line("c=IN " + address_type(address) + ' ' + address);
}

void write_audio(const LocalAudioSection& audio, const LocalDescription& description,
                 bool bundle_tag, LineWriter& out) {
  const auto payload_type = std::to_string(audio.opus_payload_type);
  write_media_line("audio", description.transport.udp_port, "UDP/TLS/RTP/SAVPF", payload_type,
                   description, out);
  out.attribute("mid", audio.mid);
  write_transport(description, bundle_tag, out);
  if (audio.audio_level_extension_id) {
    out.attribute(
        "extmap",
        format_extmap({*audio.audio_level_extension_id, {}, std::string(kAudioLevelUri), {}}));
  }
  if (audio.mid_extension_id) {
    out.attribute("extmap", format_extmap({*audio.mid_extension_id, {}, std::string(kMidUri), {}}));
  }
  out.attribute(to_string(audio.direction));
  const auto* stream = audio.send_stream ? &*audio.send_stream : nullptr;
  if (stream != nullptr) out.attribute("msid", stream->stream_id + ' ' + stream->track_id);
  out.attribute("rtcp-mux");
  out.attribute("rtcp-rsize");
  out.attribute("rtpmap", format_rtpmap({audio.opus_payload_type, "opus", 48000, 2}));
  if (!audio.opus_parameters.empty()) {
    out.attribute("fmtp", format_fmtp({audio.opus_payload_type, audio.opus_parameters}));
  }
  if (stream != nullptr) {
    out.attribute("ssrc", std::to_string(stream->ssrc) + " cname:" + stream->cname);
    out.attribute("ssrc", std::to_string(stream->ssrc) + " msid:" + stream->stream_id + ' ' +
                              stream->track_id);
  }
}

void write_data_channel(const LocalDataChannelSection& channel, const LocalDescription& description,
                        bool bundle_tag, LineWriter& out) {
  write_media_line("application", description.transport.udp_port, "UDP/DTLS/SCTP",
                   "webrtc-datachannel", description, out);
  out.attribute("mid", channel.mid);
  write_transport(description, bundle_tag, out);
  out.attribute("sctp-port", std::to_string(channel.sctp_port));
  out.attribute("max-message-size", std::to_string(channel.max_message_size));
}

void write_rejected(const RejectedSection& section, LineWriter& out) {
  std::string formats;
  for (const auto& format : section.formats) formats += (formats.empty() ? "" : " ") + format;
  if (formats.empty()) formats = "0";
  out.line("m=" + section.media + " 0 " + section.proto + ' ' + formats);
  out.line("c=IN IP4 0.0.0.0");
  if (section.mid) out.attribute("mid", *section.mid);
}

}  // namespace

base::Expected<std::string, WriteError> write_description(const LocalDescription& description) {
  if (auto error = check_transport(description)) return base::unexpected(*error);
  if (auto error = check_sections(description)) return base::unexpected(*error);
  LineWriter out;
  write_session(description, out);
  bool bundle_tag = true;
  for (const auto& section : description.sections) {
    if (const auto* audio = std::get_if<LocalAudioSection>(&section)) {
      write_audio(*audio, description, bundle_tag, out);
      bundle_tag = false;
    } else if (const auto* channel = std::get_if<LocalDataChannelSection>(&section)) {
      write_data_channel(*channel, description, bundle_tag, out);
      bundle_tag = false;
    } else {
      write_rejected(std::get<RejectedSection>(section), out);
    }
  }
  return out.take();
}

std::string_view to_string(WriteErrorCode code) {
  switch (code) {
    case WriteErrorCode::InvalidIceCredentials:
      return "invalid ICE credentials";
    case WriteErrorCode::FingerprintNotSha256:
      return "fingerprint is not sha-256";
    case WriteErrorCode::NoAdvertisedAddress:
      return "no advertised address";
    case WriteErrorCode::InvalidAdvertisedAddress:
      return "invalid advertised address";
    case WriteErrorCode::NoAcceptedSection:
      return "no accepted section";
    case WriteErrorCode::InvalidMid:
      return "invalid mid";
    case WriteErrorCode::DuplicateMid:
      return "duplicate mid";
    case WriteErrorCode::SetupRoleDoesNotFitType:
      return "setup role does not fit the type";
    case WriteErrorCode::SendingWithoutStream:
      return "sending section without a stream";
    case WriteErrorCode::InvalidSendStream:
      return "invalid send stream";
    case WriteErrorCode::InvalidFormatParameters:
      return "invalid Opus format parameters";
  }
  return "unknown write error";
}

}  // namespace webvox::rtc::sdp
