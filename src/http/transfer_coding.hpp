#pragma once

#include <span>
#include <string_view>

namespace webvox::http {

// How a request's body is framed, judged from its Transfer-Encoding field values
// (RFC 9112 §6.1, §6.3). Beast 1.74 treats a request whose last coding is not exactly
// "chunked" (say "xchunked") as having no body, so the body would be read as the next request:
// the server checks the field itself and refuses what it does not understand.
enum class TransferCoding {
  kAbsent,       // no Transfer-Encoding: the body is Content-Length bytes (or none)
  kChunked,      // "chunked", possibly after "identity": Beast reads it
  kUnsupported,  // a coding this server does not implement (gzip, xchunked, parameters): 501
  kMalformed,    // not a list of tokens, or chunked not last or twice: 400
};

// `values` are the values of every Transfer-Encoding field, in order (an empty span: none).
// Names compare case-insensitively; empty list elements are skipped, as lists allow.
TransferCoding classify_transfer_coding(std::span<const std::string_view> values);

}  // namespace webvox::http
