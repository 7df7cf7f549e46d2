#pragma once

#include <memory>
#include <string>

#include "base/self_signed_certificate.hpp"
#include "rtc/dtls/dtls_context.hpp"

namespace webvox::rtc {

// The certificate webvoxd shows in every DTLS handshake. Browsers do the same: one fresh,
// self-signed certificate per process, authenticated by its fingerprint in the SDP rather
// than by a CA.
class DtlsCertificate {
 public:
  // A new ECDSA P-256 certificate, valid 30 days.
  static DtlsCertificate generate();

  EVP_PKEY* key() const { return certificate_.key.get(); }
  X509* certificate() const { return certificate_.certificate.get(); }
  // For a=fingerprint:sha-256 …
  const std::string& fingerprint() const { return fingerprint_; }
  // What every association with this certificate is made from.
  const DtlsContext& context() const { return *context_; }

 private:
  explicit DtlsCertificate(base::SelfSignedCertificate certificate);

  base::SelfSignedCertificate certificate_;
  std::string fingerprint_;
  std::shared_ptr<const DtlsContext> context_;
};

}  // namespace webvox::rtc
