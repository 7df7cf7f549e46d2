// Why a description could not be parsed, and where.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace webvox::rtc::sdp {

enum class ParseErrorCode {
  TooLarge,
  TooManyLines,
  LineTooLong,
  TooManyMediaSections,
  TooManyAttributes,
  TooManyFormatParameters,  // one payload type's fmtp parameters, merged over its lines
  InvalidCharacter,         // NUL, a tab or another control character inside a line
  MalformedLine,            // not "<letter>=<value>"
  UnknownLineType,
  LineOutOfOrder,  // e.g. o= after m=, or v= not first
  MissingVersion,
  UnsupportedVersion,
  MissingOrigin,
  MissingSessionName,
  MissingTiming,
  DuplicateLine,
  MalformedOrigin,
  MalformedConnection,
  MalformedTiming,
  MalformedMedia,
  MalformedAttribute,  // a known attribute whose value does not follow its grammar
  MalformedCandidate,
  MalformedFingerprint,
  DuplicateAttribute,  // a single-valued attribute given twice at one level
  AttributeAtWrongLevel,
};

std::string_view to_string(ParseErrorCode code);

struct ParseError {
  ParseErrorCode code;
  std::size_t line = 0;   // 1-based; 0 when the error concerns the whole description
  std::string attribute;  // the attribute name for attribute errors, else empty

  std::string describe() const;
};

}  // namespace webvox::rtc::sdp
