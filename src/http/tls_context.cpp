#include "http/tls_context.hpp"

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

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail("cannot add certificate extension");
}

CertPtr make_certificate(EVP_PKEY* key) {
  CertPtr cert(X509_new());
  if (!cert) fail("out of memory");
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("no randomness for the certificate serial");
  serial[0] &= 0x7F;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -24L * 3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("webvox"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) fail("cannot sign the certificate");
  return cert;
}

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
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) fail("cannot generate a TLS key");
  const auto cert = make_certificate(key.get());
  {
    auto file = open_for_writing(paths.private_key, 0600);
    if (PEM_write_PrivateKey(file.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
      fail("cannot write " + paths.private_key.string());
    }
  }
  {
    auto file = open_for_writing(paths.certificate, 0644);
    if (PEM_write_X509(file.get(), cert.get()) != 1) fail("cannot write " + paths.certificate.string());
  }
  return paths;
}

boost::asio::ssl::context make_server_tls_context(const CertificatePaths& paths) {
  namespace ssl = boost::asio::ssl;
  ssl::context context(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::single_dh_use);
  boost::system::error_code ec;
  context.use_certificate_chain_file(paths.certificate.string(), ec);
  if (ec) fail("cannot use TLS certificate " + paths.certificate.string() + ": " + ec.message());
  context.use_private_key_file(paths.private_key.string(), ssl::context::pem, ec);
  if (ec) fail("cannot use TLS key " + paths.private_key.string() + ": " + ec.message());
  // One resumption ticket per handshake instead of OpenSSL's two: the module reconnects for
  // every call and uses at most one.
  SSL_CTX_set_num_tickets(context.native_handle(), 1);
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    fail("TLS key " + paths.private_key.string() + " does not match the certificate");
  }
  return context;
}

}  // namespace webvox::http
