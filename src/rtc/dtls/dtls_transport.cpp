#include "rtc/dtls/dtls_transport.hpp"

#include <openssl/err.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "rtc/dtls/openssl_error.hpp"

namespace webvox::rtc {
namespace {

constexpr const char* kKeyingLabel = "EXTRACTOR-dtls_srtp";  // RFC 5764 §4.2

// Every transport's BIO: each write OpenSSL makes is one datagram, and each read hands it
// the one datagram being received, so records are never glued together or split the way a
// stream BIO would, and nothing is buffered between datagrams (a memory BIO kept a buffer
// of the largest flight per session).
BIO_METHOD* datagram_method(int (*read)(BIO*, char*, int), int (*write)(BIO*, const char*, int),
                            long (*ctrl)(BIO*, int, long, void*)) {
  static BIO_METHOD* method = nullptr;
  static std::once_flag once;
  std::call_once(once, [&] {
    method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "webvox DTLS datagrams");
    if (!method || BIO_meth_set_read(method, read) != 1 || BIO_meth_set_write(method, write) != 1 ||
        BIO_meth_set_ctrl(method, ctrl) != 1) {
      throw std::runtime_error("cannot create the DTLS BIO method");
    }
  });
  return method;
}

struct ProfileSizes {
  SrtpProfile profile;
  std::size_t key;
  std::size_t salt;
};

std::optional<ProfileSizes> sizes_of(const SRTP_PROTECTION_PROFILE* profile) {
  if (!profile) return std::nullopt;
  switch (profile->id) {
    case SRTP_AEAD_AES_128_GCM:
      return ProfileSizes{SrtpProfile::AeadAes128Gcm, 16, 12};
    case SRTP_AES128_CM_SHA1_80:
      return ProfileSizes{SrtpProfile::Aes128CmSha1_80, 16, 14};
    default:
      return std::nullopt;
  }
}

}  // namespace

DtlsTransport::DtlsTransport(const DtlsCertificate& certificate, DtlsRole role,
                             std::string remote_fingerprint_sha256)
    : role_(role), remote_fingerprint_(std::move(remote_fingerprint_sha256)) {
  ssl_ = certificate.context().new_association();
  BIO* datagrams = BIO_new(datagram_method(on_bio_read, on_bio_write, on_bio_ctrl));
  if (!datagrams) {
    SSL_free(ssl_);
    throw std::runtime_error("out of memory for DTLS");
  }
  BIO_set_data(datagrams, this);
  BIO_set_init(datagrams, 1);
  SSL_set_bio(ssl_, datagrams, datagrams);  // one reference, owned by ssl_
  SSL_set_options(ssl_, SSL_OP_NO_QUERY_MTU);
  SSL_set_mtu(ssl_, kMtu);
  DTLS_set_link_mtu(ssl_, kMtu);
  if (role_ == DtlsRole::Client) {
    SSL_set_connect_state(ssl_);
  } else {
    SSL_set_accept_state(ssl_);
  }
}

DtlsTransport::~DtlsTransport() { SSL_free(ssl_); }

int DtlsTransport::on_bio_read(BIO* bio, char* data, int capacity) {
  auto* self = static_cast<DtlsTransport*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (self->incoming_.empty()) {
    BIO_set_retry_read(bio);  // wait for the next datagram
    return -1;
  }
  // A datagram larger than OpenSSL's buffer is cut, as a datagram socket would cut it.
  const auto length =
      std::min(self->incoming_.size(), static_cast<std::size_t>(std::max(capacity, 0)));
  std::copy_n(self->incoming_.begin(), length, reinterpret_cast<std::uint8_t*>(data));
  self->incoming_ = {};
  return static_cast<int>(length);
}

int DtlsTransport::on_bio_write(BIO* bio, const char* data, int length) {
  auto* self = static_cast<DtlsTransport*>(BIO_get_data(bio));
  if (length <= 0) return 0;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
  self->outgoing_.emplace_back(bytes, bytes + length);
  return length;
}

long DtlsTransport::on_bio_ctrl(BIO*, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_DGRAM_QUERY_MTU:
      return kMtu;
    case BIO_CTRL_WPENDING:
    case BIO_CTRL_PENDING:
    default:
      return 0;
  }
}

void DtlsTransport::start() {
  if (state_ != State::New) return;
  state_ = State::Connecting;
  advance_handshake();
}

void DtlsTransport::receive(std::span<const std::uint8_t> datagram) {
  if (state_ == State::Failed || state_ == State::Closed || !ssl_ || datagram.empty()) return;
  if (state_ == State::New) state_ = State::Connecting;  // a server learns of its client here
  incoming_ = datagram;
  if (state_ == State::Connecting) advance_handshake();
  if (state_ == State::Connected) read_application_data();
  // Whatever OpenSSL did not read must not leak into the next datagram: DTLS records never
  // span datagrams, and the span would dangle.
  incoming_ = {};
}

void DtlsTransport::advance_handshake() {
  const int result = SSL_do_handshake(ssl_);
  if (result == 1) {
    if (!remote_certificate_matches()) {
      return fail("the peer's certificate does not match the fingerprint in its SDP");
    }
    export_keying();
    if (state_ != State::Failed) state_ = State::Connected;
    return;
  }
  const int error = SSL_get_error(ssl_, result);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return;
  fail("DTLS handshake failed: " + openssl_error());
}

void DtlsTransport::read_application_data() {
  std::uint8_t buffer[65536];
  for (;;) {
    const int read = SSL_read(ssl_, buffer, sizeof buffer);
    if (read > 0) {
      received_.emplace_back(buffer, buffer + read);
      continue;
    }
    const int error = SSL_get_error(ssl_, read);
    if (error == SSL_ERROR_ZERO_RETURN) {
      state_ = State::Closed;  // close_notify from the peer
    } else if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
      fail("DTLS read failed: " + openssl_error());
    }
    return;
  }
}

bool DtlsTransport::remote_certificate_matches() {
  X509* remote = SSL_get1_peer_certificate(ssl_);
  if (!remote) return false;
  const base::CertificateHandle owned(remote);
  const auto actual = base::sha256_fingerprint(remote);
  if (actual.size() != remote_fingerprint_.size()) return false;
  // The SDP may write the hex digits in either case (RFC 8122).
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(remote_fingerprint_[i])) != actual[i]) return false;
  }
  return true;
}

void DtlsTransport::export_keying() {
  const auto sizes = sizes_of(SSL_get_selected_srtp_profile(ssl_));
  if (!sizes) return fail("the peer agreed no SRTP profile webvox supports");
  const std::size_t total = 2 * (sizes->key + sizes->salt);
  std::vector<std::uint8_t> material(total);
  if (SSL_export_keying_material(ssl_, material.data(), total, kKeyingLabel,
                                 std::char_traits<char>::length(kKeyingLabel), nullptr, 0,
                                 0) != 1) {
    return fail("cannot export SRTP keys: " + openssl_error());
  }
  // RFC 5764 §4.2: client key, server key, client salt, server salt.
  const auto slice = [&](std::size_t offset, std::size_t length) {
    return std::vector<std::uint8_t>(
        material.begin() + static_cast<std::ptrdiff_t>(offset),
        material.begin() + static_cast<std::ptrdiff_t>(offset + length));
  };
  const SrtpMasterKey client{slice(0, sizes->key), slice(2 * sizes->key, sizes->salt)};
  const SrtpMasterKey server{slice(sizes->key, sizes->key),
                             slice(2 * sizes->key + sizes->salt, sizes->salt)};
  const bool is_client = role_ == DtlsRole::Client;
  keying_ = SrtpKeying{sizes->profile, is_client ? client : server, is_client ? server : client};
}

void DtlsTransport::on_timeout() {
  if (state_ != State::Connecting) return;
  if (DTLSv1_handle_timeout(ssl_) < 0) fail("DTLS handshake timed out");
}

std::optional<std::chrono::milliseconds> DtlsTransport::next_timeout() const {
  if (state_ != State::Connecting) return std::nullopt;
  timeval left{};
  if (DTLSv1_get_timeout(ssl_, &left) != 1) return std::nullopt;
  return std::chrono::milliseconds(left.tv_sec * 1000 + left.tv_usec / 1000);
}

bool DtlsTransport::send(std::span<const std::uint8_t> data) {
  if (state_ != State::Connected || !ssl_ || data.empty()) return false;
  const int written = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
  if (written <= 0) {
    fail("DTLS write failed: " + openssl_error());
    return false;
  }
  return true;
}

std::vector<std::vector<std::uint8_t>> DtlsTransport::take_received() {
  return std::exchange(received_, {});
}

std::vector<std::vector<std::uint8_t>> DtlsTransport::take_outgoing() {
  return std::exchange(outgoing_, {});
}

void DtlsTransport::close() {
  if (state_ == State::Connected && ssl_) SSL_shutdown(ssl_);
  if (state_ != State::Failed) state_ = State::Closed;
}

void DtlsTransport::release_association() {
  if (state_ != State::Connected || !ssl_) return;
  SSL_free(ssl_);
  ssl_ = nullptr;
}

void DtlsTransport::fail(std::string reason) {
  state_ = State::Failed;
  failure_ = std::move(reason);
  ERR_clear_error();
}

}  // namespace webvox::rtc
