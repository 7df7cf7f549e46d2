// SRTP per packet: webvox's libcrypto implementation against libsrtp2 (Debian's, built on NSS),
// protecting and unprotecting a 20 ms Opus packet (80 bytes) with an RFC 6464 audio level
// header extension, for both profiles. Also the two ways to run HMAC-SHA1 with a fixed key.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <malloc.h>

#include <cstring>
#include <memory>
#include <vector>

#include "libsrtp_oracle.hpp"
#include "rtc/srtp/srtp_hmac_sha1.hpp"
#include "rtc/srtp/srtp_session.hpp"
#include "rtp_test_packets.hpp"

using namespace webvox;
using rtc::SrtpProfile;
using rtc::SrtpSession;
using rtc::testing::LibsrtpOracle;

namespace {

constexpr std::size_t kPayload = 80;
constexpr std::size_t kBatch = 8192;  // distinct sequence numbers per receiver

// A 100-byte Opus packet with an audio-level extension (voice, -20 dBov), as a browser sends.
std::vector<std::uint8_t> opus_packet(std::uint16_t sequence) {
  return test::voice_packet({111, false, sequence, 0x03C0, 0x12345678}, 20, kPayload);
}

rtc::SrtpMasterKey master_key(SrtpProfile profile) {
  return {std::vector<std::uint8_t>(16, 0x2a),
          std::vector<std::uint8_t>(profile == SrtpProfile::AeadAes128Gcm ? 12 : 14, 0x17)};
}

void set_sequence(std::uint8_t* packet, std::uint16_t sequence) {
  packet[2] = static_cast<std::uint8_t>(sequence >> 8);
  packet[3] = static_cast<std::uint8_t>(sequence);
}

// Protects one Opus packet per iteration, each with the next sequence number.
template <typename Protect>
void ProtectEach(benchmark::State& state, Protect protect) {
  const auto plain = opus_packet(0);
  std::vector<std::uint8_t> buffer(plain.size() + SrtpSession::kMaxTrailer);
  std::uint16_t sequence = 0;
  for (auto _ : state) {
    std::memcpy(buffer.data(), plain.data(), plain.size());
    set_sequence(buffer.data(), ++sequence);
    protect(buffer, plain.size());
  }
  state.SetItemsProcessed(state.iterations());
}

void ProtectOurs(benchmark::State& state, SrtpProfile profile) {
  SrtpSession session(profile, master_key(profile), SrtpSession::Direction::Outbound);
  ProtectEach(state, [&](std::vector<std::uint8_t>& buffer, std::size_t length) {
    benchmark::DoNotOptimize(session.protect_rtp(buffer, length));
  });
}

void ProtectLibsrtp(benchmark::State& state, SrtpProfile profile) {
  LibsrtpOracle session(profile, master_key(profile), /*inbound=*/false);
  ProtectEach(state, [&](std::vector<std::uint8_t>& buffer, std::size_t length) {
    benchmark::DoNotOptimize(session.protect_rtp_in_place(buffer.data(), static_cast<int>(length)));
  });
}

// kBatch packets protected by libsrtp (so both receivers read the same bytes); each receiver
// reads each once, then a fresh receiver (made with the clock paused) starts over.
std::vector<std::vector<std::uint8_t>> protected_batch(SrtpProfile profile) {
  LibsrtpOracle sender(profile, master_key(profile), false);
  std::vector<std::vector<std::uint8_t>> batch;
  for (std::size_t at = 0; at < kBatch; ++at) {
    batch.push_back(sender.protect_rtp(opus_packet(static_cast<std::uint16_t>(at + 1))));
  }
  return batch;
}

template <typename Receiver, typename Unprotect>
void UnprotectBatches(benchmark::State& state, SrtpProfile profile, Unprotect unprotect) {
  const auto batch = protected_batch(profile);
  std::vector<std::uint8_t> buffer(batch[0].size());
  auto receiver = std::make_unique<Receiver>(profile);
  std::size_t at = 0;
  for (auto _ : state) {
    if (at == kBatch) {
      state.PauseTiming();
      receiver = std::make_unique<Receiver>(profile);
      at = 0;
      state.ResumeTiming();
    }
    std::memcpy(buffer.data(), batch[at].data(), buffer.size());
    ++at;
    if (!unprotect(*receiver, buffer)) state.SkipWithError("unprotect failed");
  }
  state.SetItemsProcessed(state.iterations());
}

struct OurReceiver {
  explicit OurReceiver(SrtpProfile profile)
      : session(profile, master_key(profile), SrtpSession::Direction::Inbound) {}
  SrtpSession session;
};

struct LibsrtpReceiver {
  explicit LibsrtpReceiver(SrtpProfile profile) : session(profile, master_key(profile), true) {}
  LibsrtpOracle session;
};

void UnprotectOurs(benchmark::State& state, SrtpProfile profile) {
  UnprotectBatches<OurReceiver>(state, profile, [](OurReceiver& r, std::vector<std::uint8_t>& p) {
    return r.session.unprotect_rtp(p).has_value();
  });
}

void UnprotectLibsrtp(benchmark::State& state, SrtpProfile profile) {
  UnprotectBatches<LibsrtpReceiver>(
      state, profile, [](LibsrtpReceiver& r, std::vector<std::uint8_t>& p) {
        return r.session.unprotect_rtp_in_place(p.data(), static_cast<int>(p.size())) > 0;
      });
}

// HMAC-SHA1 of a protected packet's worth of bytes: copying precomputed SHA-1 states (what
// webvox does) against re-initialising an EVP_MAC context that keeps its key.
void HmacStateCopy(benchmark::State& state) {
  const std::vector<std::uint8_t> key(20, 0x42), message(124, 0x55), roc(4, 0);
  rtc::srtp::HmacSha1 mac(key);
  for (auto _ : state) benchmark::DoNotOptimize(mac.mac(message, roc));
}

void HmacEvpMacReinit(benchmark::State& state) {
  const std::vector<std::uint8_t> key(20, 0x42), message(124, 0x55), roc(4, 0);
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* context = EVP_MAC_CTX_new(hmac);
  char digest_name[] = "SHA1";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0), OSSL_PARAM_END};
  EVP_MAC_init(context, key.data(), key.size(), params);
  unsigned char out[20];
  std::size_t out_size = 0;
  for (auto _ : state) {
    EVP_MAC_init(context, nullptr, 0, nullptr);  // same key: only resets the state
    EVP_MAC_update(context, message.data(), message.size());
    EVP_MAC_update(context, roc.data(), roc.size());
    EVP_MAC_final(context, out, &out_size, sizeof out);
    benchmark::DoNotOptimize(out);
  }
  EVP_MAC_CTX_free(context);
  EVP_MAC_free(hmac);
}

// Heap held per transport (one outbound and one inbound session, each having carried one SSRC
// so per-stream state exists), from glibc's count of bytes in use, over 200 transports.
template <typename Outbound, typename Inbound>
void MemoryPerTransport(benchmark::State& state, SrtpProfile profile) {
  constexpr std::size_t kTransports = 200;
  const auto plain = opus_packet(1);
  for (auto _ : state) {
    const auto before = mallinfo2().uordblks;
    std::vector<std::unique_ptr<Outbound>> outbound;
    std::vector<std::unique_ptr<Inbound>> inbound;
    for (std::size_t at = 0; at < kTransports; ++at) {
      outbound.push_back(std::make_unique<Outbound>(profile));
      inbound.push_back(std::make_unique<Inbound>(profile));
      std::vector<std::uint8_t> buffer(plain.size() + SrtpSession::kMaxTrailer);
      std::memcpy(buffer.data(), plain.data(), plain.size());
      buffer.resize(outbound.back()->protect(buffer, plain.size()));
      if (!inbound.back()->unprotect(buffer)) state.SkipWithError("round trip failed");
    }
    const auto after = mallinfo2().uordblks;
    state.counters["bytes_per_transport"] =
        static_cast<double>(after - before) / static_cast<double>(kTransports);
  }
}

struct OurSender {
  explicit OurSender(SrtpProfile profile)
      : session(profile, master_key(profile), SrtpSession::Direction::Outbound) {}
  std::size_t protect(std::vector<std::uint8_t>& buffer, std::size_t length) {
    return session.protect_rtp(buffer, length).value();
  }
  SrtpSession session;
};

struct OurOpener : OurReceiver {
  using OurReceiver::OurReceiver;
  bool unprotect(std::vector<std::uint8_t>& p) { return session.unprotect_rtp(p).has_value(); }
};

struct LibsrtpSender {
  explicit LibsrtpSender(SrtpProfile profile) : session(profile, master_key(profile), false) {}
  std::size_t protect(std::vector<std::uint8_t>& buffer, std::size_t length) {
    return static_cast<std::size_t>(
        session.protect_rtp_in_place(buffer.data(), static_cast<int>(length)));
  }
  LibsrtpOracle session;
};

struct LibsrtpOpener : LibsrtpReceiver {
  using LibsrtpReceiver::LibsrtpReceiver;
  bool unprotect(std::vector<std::uint8_t>& p) {
    return session.unprotect_rtp_in_place(p.data(), static_cast<int>(p.size())) > 0;
  }
};

void MemoryOurs(benchmark::State& state, SrtpProfile profile) {
  MemoryPerTransport<OurSender, OurOpener>(state, profile);
}

void MemoryLibsrtp(benchmark::State& state, SrtpProfile profile) {
  MemoryPerTransport<LibsrtpSender, LibsrtpOpener>(state, profile);
}

}  // namespace

BENCHMARK_CAPTURE(MemoryOurs, AesGcm, SrtpProfile::AeadAes128Gcm)->Iterations(1);
BENCHMARK_CAPTURE(MemoryLibsrtp, AesGcm, SrtpProfile::AeadAes128Gcm)->Iterations(1);
BENCHMARK_CAPTURE(MemoryOurs, AesCmHmacSha1, SrtpProfile::Aes128CmSha1_80)->Iterations(1);
BENCHMARK_CAPTURE(MemoryLibsrtp, AesCmHmacSha1, SrtpProfile::Aes128CmSha1_80)->Iterations(1);
BENCHMARK_CAPTURE(ProtectOurs, AesGcm, SrtpProfile::AeadAes128Gcm);
BENCHMARK_CAPTURE(ProtectLibsrtp, AesGcm, SrtpProfile::AeadAes128Gcm);
BENCHMARK_CAPTURE(ProtectOurs, AesCmHmacSha1, SrtpProfile::Aes128CmSha1_80);
BENCHMARK_CAPTURE(ProtectLibsrtp, AesCmHmacSha1, SrtpProfile::Aes128CmSha1_80);
BENCHMARK_CAPTURE(UnprotectOurs, AesGcm, SrtpProfile::AeadAes128Gcm);
BENCHMARK_CAPTURE(UnprotectLibsrtp, AesGcm, SrtpProfile::AeadAes128Gcm);
BENCHMARK_CAPTURE(UnprotectOurs, AesCmHmacSha1, SrtpProfile::Aes128CmSha1_80);
BENCHMARK_CAPTURE(UnprotectLibsrtp, AesCmHmacSha1, SrtpProfile::Aes128CmSha1_80);
BENCHMARK(HmacStateCopy);
BENCHMARK(HmacEvpMacReinit);

BENCHMARK_MAIN();
