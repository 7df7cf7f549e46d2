#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rtc/dtls/dtls_transport.hpp"

struct socket;

namespace webvox::rtc {

// One SCTP association over DTLS carrying WebRTC data channels (RFC 8831, DCEP RFC 8832),
// with usrsctp in its thread-less mode: packets in and out through memory, timers advanced by
// the caller. usrsctp is process-global and single-threaded here: every SctpAssociation must
// be used from one thread (the media thread), and advance_timers() called from it.
class SctpAssociation {
 public:
  static constexpr std::uint16_t kPort = 5000;            // a=sctp-port, what browsers use
  static constexpr std::size_t kMaxMessageSize = 262144;  // a=max-message-size we announce
  static constexpr std::uint16_t kStreams = 16;           // streams each way: channel ids 0-15

  struct Event {
    enum class Kind { Connected, ChannelOpened, Message, ChannelClosed, Closed };
    Kind kind = Kind::Connected;
    std::uint16_t stream = 0;
    std::string label;
    bool binary = false;
    std::vector<std::uint8_t> data;
  };

  // The DTLS role decides which stream ids this side may open (RFC 8832 §6: client even).
  explicit SctpAssociation(DtlsRole role);
  ~SctpAssociation();
  SctpAssociation(const SctpAssociation&) = delete;
  SctpAssociation& operator=(const SctpAssociation&) = delete;

  // Both sides connect once DTLS is up (simultaneous open).
  void connect();
  // An SCTP packet, as the DTLS transport received it.
  void receive(std::span<const std::uint8_t> packet);
  // SCTP packets for the DTLS transport to send.
  std::vector<std::vector<std::uint8_t>> take_outgoing();
  std::vector<Event> take_events();

  bool connected() const { return connected_; }
  // Opens a reliable, ordered channel; its stream id, or none if not connected.
  std::optional<std::uint16_t> open_channel(const std::string& label);
  bool send_text(std::uint16_t stream, std::string_view text);
  bool send_binary(std::uint16_t stream, std::span<const std::uint8_t> data);
  const std::map<std::uint16_t, std::string>& channels() const { return channels_; }

  // usrsctp's timers (retransmission, heartbeats) for every association.
  static void advance_timers(std::chrono::milliseconds elapsed);

 private:
  friend struct SctpCallbacks;  // usrsctp's C callbacks, kept out of this header

  void on_notification(const void* data, std::size_t length);
  void on_message(std::uint16_t stream, std::uint32_t protocol, std::vector<std::uint8_t> message);
  void on_control(std::uint16_t stream, std::span<const std::uint8_t> message);
  bool send(std::uint16_t stream, std::uint32_t protocol, std::span<const std::uint8_t> data);

  DtlsRole role_;
  struct socket* socket_ = nullptr;
  bool connected_ = false;
  std::uint16_t next_stream_;
  std::map<std::uint16_t, std::string> channels_;
  std::map<std::uint16_t, std::vector<std::uint8_t>> partial_;  // messages still arriving
  std::vector<std::vector<std::uint8_t>> outgoing_;
  std::vector<Event> events_;
};

}  // namespace webvox::rtc
