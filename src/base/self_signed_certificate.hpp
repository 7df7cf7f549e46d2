#pragma once

#include <string>

#include "base/openssl_handles.hpp"

namespace webvox::base {

struct SelfSignedCertificate {
  KeyHandle key;
  CertificateHandle certificate;
};

struct CertificateRequest {
  std::string common_name = "webvox";
  std::string subject_alt_names;  // e.g. "DNS:localhost,IP:127.0.0.1"; empty: none
  long valid_days = 3650;
  bool server_auth = true;  // extendedKeyUsage serverAuth (HTTPS); DTLS needs none
};

// A fresh ECDSA P-256 key and a self-signed X.509 v3 certificate for it, in memory. Throws
// std::runtime_error if OpenSSL fails (it only does when out of memory or randomness).
SelfSignedCertificate make_self_signed_certificate(const CertificateRequest& request);

// "AB:CD:…": the SHA-256 fingerprint in SDP's a=fingerprint form (RFC 8122).
std::string sha256_fingerprint(X509* certificate);

}  // namespace webvox::base
