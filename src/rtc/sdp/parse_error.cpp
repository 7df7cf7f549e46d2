#include "rtc/sdp/parse_error.hpp"

namespace webvox::rtc::sdp {

std::string_view to_string(ParseErrorCode code) {
  switch (code) {
    case ParseErrorCode::TooLarge:
      return "description too large";
    case ParseErrorCode::TooManyLines:
      return "too many lines";
    case ParseErrorCode::LineTooLong:
      return "line too long";
    case ParseErrorCode::TooManyMediaSections:
      return "too many media sections";
    case ParseErrorCode::TooManyAttributes:
      return "too many attributes";
    case ParseErrorCode::TooManyFormatParameters:
      return "too many format parameters";
    case ParseErrorCode::InvalidCharacter:
      return "invalid character";
    case ParseErrorCode::MalformedLine:
      return "malformed line";
    case ParseErrorCode::UnknownLineType:
      return "unknown line type";
    case ParseErrorCode::LineOutOfOrder:
      return "line out of order";
    case ParseErrorCode::MissingVersion:
      return "missing v=";
    case ParseErrorCode::UnsupportedVersion:
      return "unsupported version";
    case ParseErrorCode::MissingOrigin:
      return "missing o=";
    case ParseErrorCode::MissingSessionName:
      return "missing s=";
    case ParseErrorCode::MissingTiming:
      return "missing t=";
    case ParseErrorCode::DuplicateLine:
      return "duplicate line";
    case ParseErrorCode::MalformedOrigin:
      return "malformed o=";
    case ParseErrorCode::MalformedConnection:
      return "malformed c=";
    case ParseErrorCode::MalformedTiming:
      return "malformed t=";
    case ParseErrorCode::MalformedMedia:
      return "malformed m=";
    case ParseErrorCode::MalformedAttribute:
      return "malformed attribute";
    case ParseErrorCode::MalformedCandidate:
      return "malformed candidate";
    case ParseErrorCode::MalformedFingerprint:
      return "malformed fingerprint";
    case ParseErrorCode::DuplicateAttribute:
      return "duplicate attribute";
    case ParseErrorCode::AttributeAtWrongLevel:
      return "attribute at wrong level";
  }
  return "unknown error";
}

std::string ParseError::describe() const {
  std::string text(to_string(code));
  if (!attribute.empty()) text += " (a=" + attribute + ")";
  if (line != 0) text += " at line " + std::to_string(line);
  return text;
}

}  // namespace webvox::rtc::sdp
