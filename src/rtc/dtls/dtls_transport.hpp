#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "base/openssl_handles.hpp"
#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/srtp/srtp_keying.hpp"

namespace webvox::rtc {

enum class DtlsRole { Client, Server };  // a=setup: active is the client

// One DTLS-SRTP association (RFC 5764, RFC 8827) driven entirely through memory: datagrams
// in, datagrams out, no sockets and no threads, so the UDP edge can multiplex thousands of
// them and tests can run two against each other. The peer is authenticated by the SHA-256
// fingerprint its SDP announced, not by a CA. Not thread-safe: one owner drives it.
class DtlsTransport {
 public:
  enum class State { New, Connecting, Connected, Failed, Closed };

  DtlsTransport(const DtlsCertificate& certificate, DtlsRole role,
                std::string remote_fingerprint_sha256);
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  // Begins the handshake: the client's first flight goes to outgoing().
  void start();
  // A DTLS datagram from the peer (RFC 7983: first byte 20–63).
  void receive(std::span<const std::uint8_t> datagram);
  // Retransmits a lost flight when the handshake timer has expired; call when
  // next_timeout() has passed.
  void on_timeout();
  // How long until on_timeout() should run; none when no timer is pending.
  std::optional<std::chrono::milliseconds> next_timeout() const;

  // Application data (the SCTP association rides on it); false unless connected.
  bool send(std::span<const std::uint8_t> data);
  // Data received since the last call, one message per entry.
  std::vector<std::vector<std::uint8_t>> take_received();
  // Datagrams to send to the peer, in order, each as OpenSSL wrote it.
  std::vector<std::vector<std::uint8_t>> take_outgoing();

  // Sends close_notify; the state becomes Closed.
  void close();

  // Frees OpenSSL's association (record buffers, the handshake's retransmission buffer: about
  // 60 KB) once the peer has shown it finished the handshake, for transports that carry no
  // application data: SRTP needs only the exported keys. The state stays Connected and the
  // keys stay; later datagrams are ignored and send() fails. Only when Connected.
  void release_association();
  bool association_released() const { return ssl_ == nullptr && state_ == State::Connected; }

  State state() const { return state_; }
  const std::string& failure() const { return failure_; }
  // Available once Connected.
  const std::optional<SrtpKeying>& srtp_keying() const { return keying_; }

  // The path MTU OpenSSL fragments handshake flights to: safe for any path that carries
  // WebRTC (browsers use the same order of size).
  static constexpr int kMtu = 1200;

 private:
  static int on_bio_read(BIO* bio, char* data, int capacity);
  static int on_bio_write(BIO* bio, const char* data, int length);
  static long on_bio_ctrl(BIO* bio, int command, long number, void* pointer);

  void advance_handshake();
  void read_application_data();
  void fail(std::string reason);
  bool remote_certificate_matches();
  void export_keying();

  DtlsRole role_;
  std::string remote_fingerprint_;
  State state_ = State::New;
  std::string failure_;
  std::optional<SrtpKeying> keying_;
  std::vector<std::vector<std::uint8_t>> outgoing_;
  std::vector<std::vector<std::uint8_t>> received_;
  SSL* ssl_ = nullptr;
  std::span<const std::uint8_t> incoming_;  // the datagram receive() is handing OpenSSL
};

}  // namespace webvox::rtc
