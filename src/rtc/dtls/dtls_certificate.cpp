#include "rtc/dtls/dtls_certificate.hpp"

namespace webvox::rtc {

DtlsCertificate DtlsCertificate::generate() {
  return DtlsCertificate(base::make_self_signed_certificate({"webvox", "", 30, false}));
}

DtlsCertificate::DtlsCertificate(base::SelfSignedCertificate certificate)
    : certificate_(std::move(certificate)),
      fingerprint_(base::sha256_fingerprint(certificate_.certificate.get())),
      context_(std::make_shared<const DtlsContext>(*this)) {}

}  // namespace webvox::rtc
