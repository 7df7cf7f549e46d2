#pragma once

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <string>

namespace webvox::http {

struct CertificatePaths {
  std::filesystem::path certificate;
  std::filesystem::path private_key;
};

// Writes a self-signed ECDSA P-256 certificate (CN=webvox, SAN localhost and 127.0.0.1,
// valid ten years) and its key (mode 0600) unless both files already exist. The region
// module accepts any certificate; browsers need a real one (see README).
CertificatePaths ensure_self_signed_certificate(const std::filesystem::path& directory);

// The TLS 1.2 cipher suites offered (OpenSSL's syntax): ECDHE key exchange with AES-GCM or
// ChaCha20-Poly1305 only.
inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// A TLS 1.2+ server context for this certificate chain and key. Throws std::runtime_error
// with a readable message if the files cannot be used.
boost::asio::ssl::context make_server_tls_context(const CertificatePaths& paths);

}  // namespace webvox::http
