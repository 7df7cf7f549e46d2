// LD_PRELOAD helper for wrk (bench/vivox_http_bench.sh). Not part of webvoxd.
//
// Why: wrk keeps one SSL object per connection slot and, on "Connection: close", calls
// SSL_shutdown + SSL_clear + close and reconnects. SSL_clear keeps the SSL_SESSION, so every
// reconnect offers it back and the server RESUMES the session (TLS 1.3 PSK ticket / TLS 1.2
// session). wrk also starts its latency clock at the first write of the request, i.e. AFTER the
// TCP connect and the TLS handshake. This shim lets the benchmark (a) force a full handshake per
// connection and (b) measure what a client that opens a connection per call actually waits for.
//
// Environment:
//   WRK_SHIM_NO_RESUME=1   drop the session in SSL_clear: every reconnect is a full handshake
//   WRK_SHIM_OUT=FILE      at exit, write statistics to FILE:
//                            handshakes_full, handshakes_resumed (counted at SSL_connect success),
//                            calls, p50_us, p90_us, p99_us, p999_us, max_us, mean_us of the time
//                            from connect() to close() of each TCP socket (connect + TLS handshake
//                            + request + response), i.e. the per-call latency of a new-connection
//                            client.
//
// Build: cc -O2 -shared -fPIC -o wrk_tls_shim.so wrk_tls_shim.c -ldl -lssl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/ssl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_FD 65536
#define MAX_SAMPLES (16u * 1024u * 1024u)

static uint64_t connect_started[MAX_FD];  // ns, 0 = not tracked
static uint32_t samples[MAX_SAMPLES];     // µs
static atomic_uint sample_count;
static atomic_ulong handshakes_full;
static atomic_ulong handshakes_resumed;
static int no_resume = -1;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int connect(int fd, const struct sockaddr* addr, socklen_t len) {
  static int (*real)(int, const struct sockaddr*, socklen_t);
  if (!real) real = dlsym(RTLD_NEXT, "connect");
  if (fd >= 0 && fd < MAX_FD && addr &&
      (addr->sa_family == AF_INET || addr->sa_family == AF_INET6)) {
    __atomic_store_n(&connect_started[fd], now_ns(), __ATOMIC_RELAXED);
  }
  return real(fd, addr, len);
}

int close(int fd) {
  static int (*real)(int);
  if (!real) real = dlsym(RTLD_NEXT, "close");
  if (fd >= 0 && fd < MAX_FD) {
    const uint64_t started = __atomic_exchange_n(&connect_started[fd], 0, __ATOMIC_RELAXED);
    if (started) {
      const unsigned i = atomic_fetch_add_explicit(&sample_count, 1, memory_order_relaxed);
      if (i < MAX_SAMPLES) {
        const uint64_t us = (now_ns() - started) / 1000u;
        samples[i] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
      }
    }
  }
  return real(fd);
}

int SSL_connect(SSL* ssl) {
  static int (*real)(SSL*);
  if (!real) real = dlsym(RTLD_NEXT, "SSL_connect");
  const int r = real(ssl);
  if (r == 1) {
    if (SSL_session_reused(ssl)) {
      atomic_fetch_add(&handshakes_resumed, 1);
    } else {
      atomic_fetch_add(&handshakes_full, 1);
    }
  }
  return r;
}

int SSL_clear(SSL* ssl) {
  static int (*real)(SSL*);
  if (!real) real = dlsym(RTLD_NEXT, "SSL_clear");
  if (no_resume < 0) {
    const char* v = getenv("WRK_SHIM_NO_RESUME");
    no_resume = v && strcmp(v, "1") == 0;
  }
  const int r = real(ssl);
  if (no_resume)
    SSL_set_session(ssl, NULL);  // forget the session: next SSL_connect is a full handshake
  return r;
}

static int compare_u32(const void* a, const void* b) {
  const uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return x < y ? -1 : x > y;
}

static uint32_t percentile(const uint32_t* sorted, unsigned n, double p) {
  if (n == 0) return 0;
  unsigned idx = (unsigned)(p / 100.0 * (double)n);
  if (idx >= n) idx = n - 1;
  return sorted[idx];
}

__attribute__((destructor)) static void report(void) {
  const char* path = getenv("WRK_SHIM_OUT");
  if (!path || !*path) return;
  unsigned n = atomic_load(&sample_count);
  if (n > MAX_SAMPLES) n = MAX_SAMPLES;
  // Skip the first sample: wrk's own probe connection before the run starts.
  const uint32_t* data = samples + (n > 0 ? 1 : 0);
  if (n > 0) n -= 1;
  uint32_t* sorted = malloc((size_t)(n ? n : 1) * sizeof *sorted);
  if (!sorted) return;
  memcpy(sorted, data, (size_t)n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, compare_u32);
  double sum = 0;
  for (unsigned i = 0; i < n; ++i) sum += sorted[i];
  FILE* f = fopen(path, "w");
  if (f) {
    fprintf(f,
            "handshakes_full=%lu handshakes_resumed=%lu calls=%u p50_us=%u p90_us=%u p99_us=%u "
            "p999_us=%u max_us=%u mean_us=%.0f\n",
            atomic_load(&handshakes_full), atomic_load(&handshakes_resumed), n,
            percentile(sorted, n, 50), percentile(sorted, n, 90), percentile(sorted, n, 99),
            percentile(sorted, n, 99.9), n ? sorted[n - 1] : 0, n ? sum / n : 0.0);
    fclose(f);
  }
  free(sorted);
}
