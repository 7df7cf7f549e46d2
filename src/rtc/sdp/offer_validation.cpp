#include "rtc/sdp/offer_validation.hpp"

#include <algorithm>
#include <set>

#include "rtc/sdp/text_scan.hpp"

namespace webvox::rtc::sdp {
namespace {

constexpr std::uint32_t kOpusClockRate = 48000;
constexpr std::uint32_t kOpusChannels = 2;

base::Unexpected<OfferError> fail(OfferErrorCode code, std::optional<std::size_t> section = {},
                                  const std::optional<std::string>& mid = {}) {
  return base::unexpected(OfferError{code, section, mid.value_or("")});
}

bool is_rtp_audio(const MediaDescription& media) {
  return media.media == "audio" &&
         (media.proto == "UDP/TLS/RTP/SAVPF" || media.proto == "TCP/DTLS/RTP/SAVPF");
}

bool is_data_channel(const MediaDescription& media) {
  return media.media == "application" &&
         (media.proto == "UDP/DTLS/SCTP" || media.proto == "TCP/DTLS/SCTP") &&
         std::find(media.formats.begin(), media.formats.end(), "webrtc-datachannel") !=
             media.formats.end();
}

// Port 0 rejects a section unless it is only waiting to join the bundle (RFC 8843 §6).
bool stopped_by_browser(const MediaDescription& media) {
  return media.port == 0 && !media.bundle_only;
}

RejectedSection rejected(const MediaDescription& media) {
  return RejectedSection{media.media, media.proto, media.formats, media.mid};
}

enum class SectionRole { Audio, DataChannel, Rejected };

std::vector<SectionRole> classify_sections(const SessionDescription& offer) {
  std::vector<SectionRole> roles;
  bool have_data_channel = false;
  for (const auto& media : offer.media) {
    if (stopped_by_browser(media)) {
      roles.push_back(SectionRole::Rejected);
    } else if (is_rtp_audio(media)) {
      roles.push_back(SectionRole::Audio);
    } else if (is_data_channel(media) && !have_data_channel) {
      have_data_channel = true;
      roles.push_back(SectionRole::DataChannel);
    } else {
      roles.push_back(SectionRole::Rejected);
    }
  }
  return roles;
}

std::optional<OfferError> check_mids(const SessionDescription& offer,
                                     const std::vector<SectionRole>& roles) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const auto& mid = offer.media[i].mid;
    if (!mid) {
      if (roles[i] != SectionRole::Rejected) return OfferError{OfferErrorCode::MissingMid, i, ""};
      continue;
    }
    if (!seen.insert(*mid).second) return OfferError{OfferErrorCode::DuplicateMid, i, *mid};
  }
  return std::nullopt;
}

const Group* find_bundle_group(const SessionDescription& offer) {
  for (const auto& group : offer.groups) {
    if (group.semantics == "BUNDLE") return &group;
  }
  return nullptr;
}

std::optional<IceCredentials> effective_credentials(const SessionDescription& offer,
                                                    const MediaDescription& media) {
  const auto& ufrag =
      media.transport.ice_ufrag ? media.transport.ice_ufrag : offer.transport.ice_ufrag;
  const auto& pwd = media.transport.ice_pwd ? media.transport.ice_pwd : offer.transport.ice_pwd;
  if (!ufrag || !pwd) return std::nullopt;
  return IceCredentials{*ufrag, *pwd};
}

const std::vector<Fingerprint>& effective_fingerprints(const SessionDescription& offer,
                                                       const MediaDescription& media) {
  return media.transport.fingerprints.empty() ? offer.transport.fingerprints
                                              : media.transport.fingerprints;
}

std::optional<std::uint8_t> extension_id(const SessionDescription& offer,
                                         const MediaDescription& media, std::string_view uri) {
  for (const auto* extmaps : {&media.transport.extmaps, &offer.transport.extmaps}) {
    for (const auto& extmap : *extmaps) {
      if (extmap.uri == uri) return extmap.id;
    }
  }
  return std::nullopt;
}

bool lists_format(const MediaDescription& media, std::uint8_t payload_type) {
  const auto text = std::to_string(payload_type);
  return std::find(media.formats.begin(), media.formats.end(), text) != media.formats.end();
}

// The first Opus payload type the section lists; Opus at another rate or channel count only
// counts when there is nothing better, to name the problem precisely.
base::Expected<std::uint8_t, OfferErrorCode> find_opus(const MediaDescription& media) {
  bool saw_other_opus = false;
  for (const auto& rtpmap : media.rtpmaps) {
    if (!equals_ignoring_case(rtpmap.encoding_name, "opus")) continue;
    if (!lists_format(media, rtpmap.payload_type)) continue;
    if (rtpmap.clock_rate == kOpusClockRate && rtpmap.channels == kOpusChannels) {
      return rtpmap.payload_type;
    }
    saw_other_opus = true;
  }
  return base::unexpected(saw_other_opus ? OfferErrorCode::OpusNotStereo48k
                                         : OfferErrorCode::NoOpus);
}

std::vector<std::uint32_t> distinct_ssrcs(const MediaDescription& media) {
  std::vector<std::uint32_t> ssrcs;
  for (const auto& attribute : media.ssrcs) {
    if (std::find(ssrcs.begin(), ssrcs.end(), attribute.ssrc) == ssrcs.end()) {
      ssrcs.push_back(attribute.ssrc);
    }
  }
  return ssrcs;
}

// a=msid, or the older per-SSRC "a=ssrc:<ssrc> msid:<stream> <track>".
std::optional<Msid> stream_identity(const MediaDescription& media) {
  if (!media.msids.empty()) return media.msids.front();
  for (const auto& attribute : media.ssrcs) {
    if (attribute.name == "msid") {
      if (auto msid = parse_msid(attribute.value)) return msid;
    }
  }
  return std::nullopt;
}

base::Expected<OfferedAudio, OfferError> extract_audio(const SessionDescription& offer,
                                                       std::size_t index) {
  const auto& media = offer.media[index];
  if (!media.rtcp_mux) return fail(OfferErrorCode::MissingRtcpMux, index, media.mid);
  const auto opus = find_opus(media);
  if (!opus) return fail(opus.error(), index, media.mid);

  OfferedAudio audio;
  audio.mid = *media.mid;
  audio.direction =
      media.transport.direction.value_or(offer.transport.direction.value_or(Direction::SendRecv));
  audio.opus_payload_type = *opus;
  for (const auto& fmtp : media.fmtps) {
    if (fmtp.payload_type == *opus) audio.opus_parameters = fmtp.parameters;
  }
  audio.audio_level_extension_id = extension_id(offer, media, kAudioLevelUri);
  audio.transport_cc_extension_id = extension_id(offer, media, kTransportCcUri);
  audio.mid_extension_id = extension_id(offer, media, kMidUri);
  audio.send_ssrcs = distinct_ssrcs(media);
  audio.msid = stream_identity(media);
  return audio;
}

base::Expected<OfferedDataChannel, OfferError> extract_data_channel(const MediaDescription& media,
                                                                    std::size_t index) {
  if (!media.sctp_port) return fail(OfferErrorCode::MissingSctpPort, index, media.mid);
  return OfferedDataChannel{*media.mid, *media.sctp_port, media.max_message_size};
}

SetupRole answering_role(SetupRole offered) {
  // Passive when the browser lets us choose: the server then only answers a ClientHello on
  // a path ICE has already confirmed, and never has to start DTLS towards a browser.
  return offered == SetupRole::Passive ? SetupRole::Active : SetupRole::Passive;
}

struct BundleTransport {
  std::size_t tag_index = 0;
  std::vector<std::string> mids;
};

base::Expected<BundleTransport, OfferError> find_bundle(const SessionDescription& offer,
                                                        const std::vector<SectionRole>& roles) {
  const Group* group = find_bundle_group(offer);
  if (group == nullptr) return fail(OfferErrorCode::MissingBundleGroup);
  BundleTransport bundle;
  std::optional<std::size_t> tag;
  // The tag is the first mid of the group that names an accepted section; the mids are kept
  // in m= line order (unique, as check_mids made them), the order the answer lists them in.
  for (const auto& mid : group->mids) {
    for (std::size_t i = 0; i < offer.media.size() && !tag; ++i) {
      if (roles[i] != SectionRole::Rejected && offer.media[i].mid == mid) tag = i;
    }
  }
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    if (roles[i] == SectionRole::Rejected) continue;
    const auto& mid = *offer.media[i].mid;
    if (std::find(group->mids.begin(), group->mids.end(), mid) == group->mids.end()) {
      return fail(OfferErrorCode::SectionNotBundled, i, mid);
    }
    bundle.mids.push_back(mid);
  }
  if (!tag) return fail(OfferErrorCode::NoAudioSection);
  bundle.tag_index = *tag;
  return bundle;
}

std::optional<OfferError> extract_transport(const SessionDescription& offer,
                                            const std::vector<SectionRole>& roles, std::size_t tag,
                                            BrowserOffer& result) {
  const auto& tag_media = offer.media[tag];
  const auto credentials = effective_credentials(offer, tag_media);
  if (!credentials) return OfferError{OfferErrorCode::MissingIceCredentials, tag, *tag_media.mid};
  const auto& fingerprints = effective_fingerprints(offer, tag_media);
  if (fingerprints.empty()) {
    return OfferError{OfferErrorCode::MissingFingerprint, tag, *tag_media.mid};
  }
  const auto sha256 = std::find_if(fingerprints.begin(), fingerprints.end(),
                                   [](const Fingerprint& f) { return f.hash_function == kSha256; });
  if (sha256 == fingerprints.end()) {
    return OfferError{OfferErrorCode::NoSha256Fingerprint, tag, *tag_media.mid};
  }
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    if (roles[i] == SectionRole::Rejected) continue;
    const auto& media = offer.media[i];
    const auto own = effective_credentials(offer, media);
    if (own && *own != *credentials) {
      return OfferError{OfferErrorCode::InconsistentIceCredentials, i, *media.mid};
    }
    // A bundled section may leave its transport to the BUNDLE tag (RFC 8843 §7.1.3).
    const auto& own_fingerprints = media.transport.fingerprints;
    if (!own_fingerprints.empty() && own_fingerprints != fingerprints) {
      return OfferError{OfferErrorCode::InconsistentFingerprints, i, *media.mid};
    }
  }
  const auto setup = tag_media.transport.setup ? tag_media.transport.setup : offer.transport.setup;
  if (!setup) return OfferError{OfferErrorCode::MissingSetup, tag, *tag_media.mid};
  if (*setup == SetupRole::HoldConn) {
    return OfferError{OfferErrorCode::UnacceptableSetupRole, tag, *tag_media.mid};
  }
  result.ice = *credentials;
  result.fingerprint = *sha256;
  result.offered_setup = *setup;
  result.server_setup = answering_role(*setup);
  return std::nullopt;
}

}  // namespace

base::Expected<BrowserOffer, OfferError> validate_offer(const SessionDescription& offer) {
  if (offer.media.empty()) return fail(OfferErrorCode::NoMediaSections);
  const auto roles = classify_sections(offer);
  if (auto error = check_mids(offer, roles)) return base::unexpected(*error);
  if (std::find(roles.begin(), roles.end(), SectionRole::Audio) == roles.end()) {
    return fail(OfferErrorCode::NoAudioSection);
  }
  auto bundle = find_bundle(offer, roles);
  if (!bundle) return base::unexpected(bundle.error());

  BrowserOffer result;
  result.bundle_mids = bundle->mids;
  if (auto error = extract_transport(offer, roles, bundle->tag_index, result)) {
    return base::unexpected(*error);
  }
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    switch (roles[i]) {
      case SectionRole::Audio: {
        auto audio = extract_audio(offer, i);
        if (!audio) return base::unexpected(audio.error());
        result.sections.emplace_back(std::move(*audio));
        break;
      }
      case SectionRole::DataChannel: {
        auto channel = extract_data_channel(offer.media[i], i);
        if (!channel) return base::unexpected(channel.error());
        result.sections.emplace_back(std::move(*channel));
        break;
      }
      case SectionRole::Rejected:
        result.sections.emplace_back(rejected(offer.media[i]));
        break;
    }
  }
  return result;
}

std::string_view to_string(OfferErrorCode code) {
  switch (code) {
    case OfferErrorCode::NoMediaSections:
      return "offer has no media sections";
    case OfferErrorCode::MissingMid:
      return "media section without a=mid";
    case OfferErrorCode::DuplicateMid:
      return "two media sections share a mid";
    case OfferErrorCode::MissingBundleGroup:
      return "no a=group:BUNDLE";
    case OfferErrorCode::SectionNotBundled:
      return "media section not in the BUNDLE group";
    case OfferErrorCode::MissingIceCredentials:
      return "no a=ice-ufrag/a=ice-pwd";
    case OfferErrorCode::InconsistentIceCredentials:
      return "bundled sections differ in ICE credentials";
    case OfferErrorCode::MissingFingerprint:
      return "no a=fingerprint";
    case OfferErrorCode::NoSha256Fingerprint:
      return "no sha-256 fingerprint";
    case OfferErrorCode::InconsistentFingerprints:
      return "bundled sections differ in fingerprints";
    case OfferErrorCode::MissingSetup:
      return "no a=setup";
    case OfferErrorCode::UnacceptableSetupRole:
      return "a=setup:holdconn";
    case OfferErrorCode::NoAudioSection:
      return "no usable audio section";
    case OfferErrorCode::NoOpus:
      return "audio section without Opus";
    case OfferErrorCode::OpusNotStereo48k:
      return "Opus not offered as opus/48000/2";
    case OfferErrorCode::MissingRtcpMux:
      return "audio section without a=rtcp-mux";
    case OfferErrorCode::MissingSctpPort:
      return "data channel without a=sctp-port";
  }
  return "unknown offer error";
}

std::string OfferError::describe() const {
  std::string text(to_string(code));
  if (section) text += " (m-section " + std::to_string(*section);
  if (section && !mid.empty()) text += ", mid " + mid;
  if (section) text += ')';
  return text;
}

}  // namespace webvox::rtc::sdp
