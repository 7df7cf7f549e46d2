#pragma once

#include <openssl/ssl.h>

namespace webvox::rtc {

class DtlsCertificate;

// The OpenSSL configuration every DTLS-SRTP association of one certificate shares: the
// certificate and key, the SRTP profiles, and "any certificate, checked against the SDP
// fingerprint later". One SSL_CTX per process instead of one per session: a context costs
// kilobytes of its own and each holds a copy of the certificate chain. Sessions are never
// resumed (every WebRTC handshake is fresh), so the shared session cache stays off and the
// context is read-only once built, which OpenSSL allows to share across threads.
class DtlsContext {
 public:
  explicit DtlsContext(const DtlsCertificate& certificate);
  ~DtlsContext();
  DtlsContext(const DtlsContext&) = delete;
  DtlsContext& operator=(const DtlsContext&) = delete;

  // A new association's SSL object; the caller owns it (SSL_free).
  SSL* new_association() const;

 private:
  SSL_CTX* context_ = nullptr;
};

}  // namespace webvox::rtc
