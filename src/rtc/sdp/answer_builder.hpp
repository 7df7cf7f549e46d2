// The server's answer to a validated browser offer, and the server's own offer for
// renegotiation (slots added), both through description_writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rtc/sdp/browser_offer.hpp"
#include "rtc/sdp/description_writer.hpp"
#include "rtc/sdp/local_description.hpp"

namespace webvox::rtc::sdp {

// The stream the server forwards into the audio section with this mid.
struct SlotStream {
  std::string mid;
  SendStream stream;
};

struct AnswerOptions {
  std::uint64_t session_id = 1;
  std::uint64_t session_version = 1;
  ServerTransport transport;
  std::vector<SlotStream> slot_streams;
  std::uint64_t max_message_size = kServerMaxMessageSize;
};

// One section per offered one, in order: audio the server receives (the browser sends) and
// sends (a slot stream is given for the mid and the browser receives), the data channel,
// and rejections (port 0) for everything else.
LocalDescription make_answer(const BrowserOffer& offer, const AnswerOptions& options);

base::Expected<std::string, WriteError> write_answer(const BrowserOffer& offer,
                                                     const AnswerOptions& options);

// The server's offer: type Offer and a=setup:actpass whatever the description says.
base::Expected<std::string, WriteError> write_server_offer(LocalDescription description);

}  // namespace webvox::rtc::sdp
