#pragma once

#include <string>

namespace webvox::rtc {

// The oldest error on this thread's OpenSSL error queue, as text; the queue is emptied so
// the next operation starts clean.
std::string openssl_error();

}  // namespace webvox::rtc
