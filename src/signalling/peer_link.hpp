#pragma once

#include <cstdint>
#include <string>

namespace webvox::signalling {

// The signalling logic's view of one client connection. Implementations (the WebSocket edge)
// must be callable from any thread: other members' sessions send through them.
class PeerLink {
 public:
  virtual ~PeerLink() = default;
  virtual void send(std::string json) = 0;
  // Closes after the messages already sent are flushed.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

// WebSocket close codes used by the protocol.
namespace close_code {
constexpr std::uint16_t kPolicyViolation = 1008;
constexpr std::uint16_t kTooBig = 1009;
constexpr std::uint16_t kReplaced = 4001;
}  // namespace close_code

}  // namespace webvox::signalling
