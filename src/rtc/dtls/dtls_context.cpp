#include "rtc/dtls/dtls_context.hpp"

#include <stdexcept>
#include <string>

#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/dtls/openssl_error.hpp"

namespace webvox::rtc {
namespace {

constexpr const char* kSrtpProfiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";

// Both sides must show a certificate; whether it is the right one is decided by the SDP
// fingerprint once the handshake is done, not by any CA.
int accept_any_certificate(int, X509_STORE_CTX*) { return 1; }

}  // namespace

DtlsContext::DtlsContext(const DtlsCertificate& certificate) {
  context_ = SSL_CTX_new(DTLS_method());
  if (!context_) throw std::runtime_error("cannot create a DTLS context: " + openssl_error());
  SSL_CTX_set_min_proto_version(context_, DTLS1_2_VERSION);
  // SSL_CTX_set_tlsext_use_srtp returns 0 on success.
  if (SSL_CTX_use_certificate(context_, certificate.certificate()) != 1 ||
      SSL_CTX_use_PrivateKey(context_, certificate.key()) != 1 ||
      SSL_CTX_set_tlsext_use_srtp(context_, kSrtpProfiles) != 0) {
    SSL_CTX_free(context_);
    throw std::runtime_error("cannot set up DTLS: " + openssl_error());
  }
  SSL_CTX_set_verify(context_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     accept_any_certificate);
  SSL_CTX_set_session_cache_mode(context_, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(context_, SSL_OP_NO_TICKET);
  SSL_CTX_set_read_ahead(context_, 1);
  // Record buffers (about 17 KB each way) are only held while a record is in flight: after
  // the handshake a session without data channels never reads or writes another one.
  SSL_CTX_set_mode(context_, SSL_MODE_RELEASE_BUFFERS);
}

DtlsContext::~DtlsContext() { SSL_CTX_free(context_); }

SSL* DtlsContext::new_association() const {
  SSL* ssl = SSL_new(context_);
  if (!ssl) throw std::runtime_error("out of memory for DTLS: " + openssl_error());
  return ssl;
}

}  // namespace webvox::rtc
