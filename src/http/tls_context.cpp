#include "http/tls_context.hpp"

#include "base/self_signed_certificate.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/bn.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace webvox::http {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

std::unique_ptr<FILE, FileCloser> open_for_writing(const std::filesystem::path& path, mode_t mode) {
  const mode_t old_mask = ::umask(0777 & ~mode);
  FILE* file = std::fopen(path.c_str(), "wb");
  ::umask(old_mask);
  if (!file) fail("cannot write " + path.string());
  return std::unique_ptr<FILE, FileCloser>(file);
}

}  // namespace

CertificatePaths ensure_self_signed_certificate(const std::filesystem::path& directory) {
  CertificatePaths paths{directory / "tls-cert.pem", directory / "tls-key.pem"};
  if (std::filesystem::exists(paths.certificate) && std::filesystem::exists(paths.private_key)) {
    return paths;
  }
  const auto generated = base::make_self_signed_certificate(
      {"webvox", "DNS:localhost,IP:127.0.0.1,IP:::1", 10L * 365, true});
  EVP_PKEY* key = generated.key.get();
  X509* cert = generated.certificate.get();
  {
    auto file = open_for_writing(paths.private_key, 0600);
    if (PEM_write_PrivateKey(file.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
      fail("cannot write " + paths.private_key.string());
    }
  }
  {
    auto file = open_for_writing(paths.certificate, 0644);
    if (PEM_write_X509(file.get(), cert) != 1) fail("cannot write " + paths.certificate.string());
  }
  return paths;
}

boost::asio::ssl::context make_server_tls_context(const CertificatePaths& paths) {
  namespace ssl = boost::asio::ssl;
  ssl::context context(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::single_dh_use);
  // TLS 1.2 only with forward secrecy and AEAD (no CBC suites, whose padding has been the
  // door for one oracle after another); TLS 1.3's suites are all AEAD already. The server
  // picks, so a client listing CBC first still gets GCM.
  if (SSL_CTX_set_cipher_list(context.native_handle(), kTls12Ciphers) != 1) {
    fail("OpenSSL knows none of the TLS 1.2 cipher suites " + std::string(kTls12Ciphers));
  }
  SSL_CTX_set_options(context.native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE);
  boost::system::error_code ec;
  context.use_certificate_chain_file(paths.certificate.string(), ec);
  if (ec) fail("cannot use TLS certificate " + paths.certificate.string() + ": " + ec.message());
  context.use_private_key_file(paths.private_key.string(), ssl::context::pem, ec);
  if (ec) fail("cannot use TLS key " + paths.private_key.string() + ": " + ec.message());
  // One resumption ticket per handshake instead of OpenSSL's two: the module reconnects for
  // every call and uses at most one.
  SSL_CTX_set_num_tickets(context.native_handle(), 1);
  // A signalling WebSocket idles between short messages: holding 2 × 17 KB of record
  // buffers for each one would be most of what a connected browser costs.
  SSL_CTX_set_mode(context.native_handle(), SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    fail("TLS key " + paths.private_key.string() + " does not match the certificate");
  }
  return context;
}

}  // namespace webvox::http
