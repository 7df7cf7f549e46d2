// Decides whether a browser's offer is one the SFU can answer, and extracts what it needs.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "rtc/sdp/browser_offer.hpp"
#include "base/expected.hpp"
#include "rtc/sdp/session_description.hpp"

namespace webvox::rtc::sdp {

enum class OfferErrorCode {
  NoMediaSections,
  MissingMid,
  DuplicateMid,
  MissingBundleGroup,
  SectionNotBundled,  // an accepted section is not in the BUNDLE group
  MissingIceCredentials,
  InconsistentIceCredentials,  // bundled sections disagree on ufrag/pwd
  MissingFingerprint,
  NoSha256Fingerprint,
  InconsistentFingerprints,
  MissingSetup,
  UnacceptableSetupRole,
  NoAudioSection,
  NoOpus,
  OpusNotStereo48k,  // opus rtpmap other than opus/48000/2
  MissingRtcpMux,
  MissingSctpPort,
};

std::string_view to_string(OfferErrorCode code);

struct OfferError {
  OfferErrorCode code;
  std::optional<std::size_t> section;  // index of the m= line at fault, if one is
  std::string mid;

  std::string describe() const;
};

base::Expected<BrowserOffer, OfferError> validate_offer(const SessionDescription& offer);

}  // namespace webvox::rtc::sdp
