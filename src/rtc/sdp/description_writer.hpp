// LocalDescription → SDP text (CRLF lines), after checking it describes something a browser
// will accept.
#pragma once

#include <string>
#include <string_view>

#include "base/expected.hpp"
#include "rtc/sdp/local_description.hpp"

namespace webvox::rtc::sdp {

enum class WriteErrorCode {
  InvalidIceCredentials,
  FingerprintNotSha256,
  NoAdvertisedAddress,
  InvalidAdvertisedAddress,
  NoAcceptedSection,
  InvalidMid,
  DuplicateMid,
  SetupRoleDoesNotFitType,  // an offer must say actpass, an answer active or passive
  SendingWithoutStream,     // a sending audio section without its SSRC
  InvalidSendStream,
  InvalidFormatParameters,  // an Opus parameter that would not read back as written
};

std::string_view to_string(WriteErrorCode code);

struct WriteError {
  WriteErrorCode code;
  std::string detail;
};

base::Expected<std::string, WriteError> write_description(const LocalDescription& description);

}  // namespace webvox::rtc::sdp
