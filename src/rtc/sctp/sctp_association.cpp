#include "rtc/sctp/sctp_association.hpp"

#include <arpa/inet.h>
#include <usrsctp.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "rtc/sctp/data_channel_message.hpp"

namespace webvox::rtc {

struct SctpCallbacks {
  static int packet_out(void* address, void* buffer, std::size_t length, std::uint8_t,
                        std::uint8_t) {
    auto* self = static_cast<SctpAssociation*>(address);
    const auto* bytes = static_cast<const std::uint8_t*>(buffer);
    self->outgoing_.emplace_back(bytes, bytes + length);
    return 0;
  }

  // usrsctp hands over a malloc'd buffer per call: ours to free.
  static int receive(struct socket*, union sctp_sockstore, void* data, std::size_t length,
                     struct sctp_rcvinfo info, int flags, void* user) {
    auto* self = static_cast<SctpAssociation*>(user);
    if (!data) return 1;  // the association is gone
    if (flags & MSG_NOTIFICATION) {
      self->on_notification(data, length);
    } else {
      auto& partial = self->partial_[info.rcv_sid];
      const auto* bytes = static_cast<const std::uint8_t*>(data);
      if (partial.size() + length <= SctpAssociation::kMaxMessageSize) {
        partial.insert(partial.end(), bytes, bytes + length);
      }
      if (flags & MSG_EOR) {
        auto message = std::move(partial);
        self->partial_.erase(info.rcv_sid);
        self->on_message(info.rcv_sid, ntohl(info.rcv_ppid), std::move(message));
      }
    }
    std::free(data);
    return 1;
  }
};

namespace {

void start_usrsctp() {
  static std::once_flag once;
  std::call_once(once, [] {
    // No threads of its own: the media thread feeds packets and advances timers.
    usrsctp_init_nothreads(0, SctpCallbacks::packet_out, nullptr);
    usrsctp_sysctl_set_sctp_ecn_enable(0);  // browsers do not negotiate it over DTLS
  });
}

template <typename T>
void set_option(struct socket* socket, int level, int name, const T& value) {
  if (usrsctp_setsockopt(socket, level, name, &value, sizeof value) != 0) {
    throw std::runtime_error("usrsctp option " + std::to_string(name) +
                             " failed: " + std::strerror(errno));
  }
}

SctpAssociation::Event event_of(SctpAssociation::Event::Kind kind, std::uint16_t stream = 0,
                                std::string label = {}) {
  SctpAssociation::Event event;
  event.kind = kind;
  event.stream = stream;
  event.label = std::move(label);
  return event;
}

sockaddr_conn address_of(SctpAssociation* self, std::uint16_t port) {
  sockaddr_conn address{};
  address.sconn_family = AF_CONN;
  address.sconn_port = htons(port);
  address.sconn_addr = self;
  return address;
}

}  // namespace

SctpAssociation::SctpAssociation(DtlsRole role)
    : role_(role), next_stream_(role == DtlsRole::Client ? 0 : 1) {
  start_usrsctp();
  usrsctp_register_address(this);
  socket_ =
      usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, SctpCallbacks::receive, nullptr, 0, this);
  if (!socket_) {
    usrsctp_deregister_address(this);
    throw std::runtime_error(std::string("cannot create an SCTP socket: ") + std::strerror(errno));
  }
  try {
    usrsctp_set_non_blocking(socket_, 1);
    set_option(socket_, SOL_SOCKET, SO_LINGER, linger{1, 0});  // close aborts, no lingering
    set_option(socket_, IPPROTO_SCTP, SCTP_RECVRCVINFO, int{1});
    set_option(socket_, IPPROTO_SCTP, SCTP_NODELAY, int{1});  // voice-era latency over Nagle
    set_option(socket_, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET,
               sctp_assoc_value{SCTP_ALL_ASSOC, SCTP_ENABLE_RESET_STREAM_REQ});
    for (const std::uint16_t type : {SCTP_ASSOC_CHANGE, SCTP_STREAM_RESET_EVENT}) {
      sctp_event event{};
      event.se_assoc_id = SCTP_ALL_ASSOC;
      event.se_on = 1;
      event.se_type = type;
      set_option(socket_, IPPROTO_SCTP, SCTP_EVENT, event);
    }
    // Retransmit on a real-time scale rather than RFC 4960's 3 s first timeout: the peer is
    // one RTT away over an ICE path that already works (dcSCTP in browsers does likewise).
    set_option(socket_, IPPROTO_SCTP, SCTP_RTOINFO, sctp_rtoinfo{0, 500, 10000, 200});
    // usrsctp allocates per-stream state for every stream both ways up front (~50 bytes
    // each): 1,024 each way cost ~100 KiB per association, half a viewer session's memory.
    // WebRTC peers here open one or two channels (the viewer's SLData); 16 leaves room.
    sctp_initmsg streams{};
    streams.sinit_num_ostreams = kStreams;
    streams.sinit_max_instreams = kStreams;
    set_option(socket_, IPPROTO_SCTP, SCTP_INITMSG, streams);
    auto local = address_of(this, kPort);
    if (usrsctp_bind(socket_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      throw std::runtime_error(std::string("cannot bind SCTP: ") + std::strerror(errno));
    }
  } catch (...) {
    usrsctp_close(socket_);
    usrsctp_deregister_address(this);
    throw;
  }
}

SctpAssociation::~SctpAssociation() {
  usrsctp_close(socket_);
  usrsctp_deregister_address(this);
}

void SctpAssociation::connect() {
  auto remote = address_of(this, kPort);
  // Non-blocking: EINPROGRESS is the normal answer; the outcome arrives as a notification.
  usrsctp_connect(socket_, reinterpret_cast<sockaddr*>(&remote), sizeof remote);
}

void SctpAssociation::receive(std::span<const std::uint8_t> packet) {
  usrsctp_conninput(this, packet.data(), packet.size(), 0);
}

std::vector<std::vector<std::uint8_t>> SctpAssociation::take_outgoing() {
  return std::exchange(outgoing_, {});
}

std::vector<SctpAssociation::Event> SctpAssociation::take_events() {
  return std::exchange(events_, {});
}

void SctpAssociation::advance_timers(std::chrono::milliseconds elapsed) {
  usrsctp_handle_timers(static_cast<std::uint32_t>(elapsed.count()));
}

void SctpAssociation::on_notification(const void* data, std::size_t length) {
  const auto* notification = static_cast<const sctp_notification*>(data);
  if (length < sizeof notification->sn_header) return;
  switch (notification->sn_header.sn_type) {
    case SCTP_ASSOC_CHANGE: {
      const auto state = notification->sn_assoc_change.sac_state;
      if (state == SCTP_COMM_UP && !connected_) {
        connected_ = true;
        events_.push_back(event_of(Event::Kind::Connected));
      } else if (state == SCTP_COMM_LOST || state == SCTP_SHUTDOWN_COMP ||
                 state == SCTP_CANT_STR_ASSOC) {
        connected_ = false;
        events_.push_back(event_of(Event::Kind::Closed));
      }
      break;
    }
    case SCTP_STREAM_RESET_EVENT: {
      const auto& reset = notification->sn_strreset_event;
      const std::size_t count = (reset.strreset_length - sizeof reset) / sizeof(std::uint16_t);
      for (std::size_t i = 0; i < count; ++i) {
        const auto stream = reset.strreset_stream_list[i];
        if (channels_.erase(stream) > 0) {
          events_.push_back(event_of(Event::Kind::ChannelClosed, stream));
        }
      }
      break;
    }
    default:
      break;
  }
}

void SctpAssociation::on_message(std::uint16_t stream, std::uint32_t protocol,
                                 std::vector<std::uint8_t> message) {
  switch (protocol) {
    case ppid::kControl:
      return on_control(stream, message);
    case ppid::kString:
    case ppid::kBinary:
      break;
    case ppid::kStringEmpty:
    case ppid::kBinaryEmpty:
      message.clear();  // sent as one placeholder byte (RFC 8831 §6.6)
      break;
    default:
      return;  // not a data channel message: ignored
  }
  if (!channels_.contains(stream)) return;  // data before the channel was opened
  auto event = event_of(Event::Kind::Message, stream, channels_[stream]);
  event.binary = protocol == ppid::kBinary || protocol == ppid::kBinaryEmpty;
  event.data = std::move(message);
  events_.push_back(std::move(event));
}

void SctpAssociation::on_control(std::uint16_t stream, std::span<const std::uint8_t> message) {
  if (message.empty()) return;
  if (message[0] == kDcepAck) return;  // our OPEN was accepted; the channel is already usable
  const auto open = parse_data_channel_open(message);
  if (!open) return;
  channels_[stream] = open->label;
  const std::uint8_t ack[] = {kDcepAck};
  send(stream, ppid::kControl, ack);
  events_.push_back(event_of(Event::Kind::ChannelOpened, stream, open->label));
}

std::optional<std::uint16_t> SctpAssociation::open_channel(const std::string& label) {
  if (!connected_) return std::nullopt;
  const auto stream = next_stream_;
  DataChannelOpen open;
  open.label = label;
  if (!send(stream, ppid::kControl, serialize(open))) return std::nullopt;
  next_stream_ = static_cast<std::uint16_t>(next_stream_ + 2);
  channels_[stream] = label;
  return stream;
}

bool SctpAssociation::send_text(std::uint16_t stream, std::string_view text) {
  if (text.empty()) {
    const std::uint8_t placeholder[] = {0};
    return send(stream, ppid::kStringEmpty, placeholder);
  }
  return send(stream, ppid::kString,
              {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

bool SctpAssociation::send_binary(std::uint16_t stream, std::span<const std::uint8_t> data) {
  if (data.empty()) {
    const std::uint8_t placeholder[] = {0};
    return send(stream, ppid::kBinaryEmpty, placeholder);
  }
  return send(stream, ppid::kBinary, data);
}

bool SctpAssociation::send(std::uint16_t stream, std::uint32_t protocol,
                           std::span<const std::uint8_t> data) {
  if (!connected_ || data.size() > kMaxMessageSize) return false;
  if (protocol != ppid::kControl && !channels_.contains(stream)) return false;
  sctp_sndinfo info{};
  info.snd_sid = stream;
  info.snd_flags = SCTP_EOR;
  info.snd_ppid = htonl(protocol);
  const auto sent = usrsctp_sendv(socket_, data.data(), data.size(), nullptr, 0, &info, sizeof info,
                                  SCTP_SENDV_SNDINFO, 0);
  return sent == static_cast<ssize_t>(data.size());
}

}  // namespace webvox::rtc
