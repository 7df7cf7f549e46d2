#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace webvox::base {

// Owning handles for OpenSSL objects, freed with the library's own function.
template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};
using KeyHandle = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using CertificateHandle = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;

}  // namespace webvox::base
