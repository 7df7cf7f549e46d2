#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace webvox::base {

// Bytes from the operating system's CSPRNG (through OpenSSL). Throws on failure:
// a server that cannot make unguessable tokens must not pretend it can.
std::vector<unsigned char> secure_random_bytes(std::size_t count);

// A URL-safe token ([A-Za-z0-9_-], no padding) carrying `bytes` bytes of entropy.
std::string random_url_token(std::size_t bytes = 32);

// Base64 without line breaks; base64url swaps "+/" for "-_" and drops the padding.
std::string base64_encode(const unsigned char* data, std::size_t size);
std::string base64url_encode(const unsigned char* data, std::size_t size);
std::vector<unsigned char> base64_decode(std::string_view text);  // throws on bad input

// SHA-256 of the input, as raw bytes.
std::vector<unsigned char> sha256(std::string_view data);

// Compares two secrets in time independent of where they differ (and of their lengths).
bool secrets_equal(std::string_view a, std::string_view b);

}  // namespace webvox::base
