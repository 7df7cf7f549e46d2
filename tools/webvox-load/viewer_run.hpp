// webvox-load's viewer mode: N simulated SL viewers in one region's voice, provisioned the
// way os-webrtc-janus provisions them (webvoxd's JSON-RPC or Janus door, or Janus AudioBridge
// itself), M of them speaking real Opus, every one measuring the mix it receives against the
// server's own schedule (mix_reception.hpp), plus the server's CPU and memory. See
// docs/performance.md.
#pragma once

#include <cstdint>
#include <string>

namespace webvox::load {

struct ViewerRunOptions {
  std::string target = "webvoxd";  // or "janus" (AudioBridge)
  std::string door = "jsonrpc";    // webvoxd: "jsonrpc" or "janus"; Janus: always "janus"
  std::string server = "127.0.0.1:8443";
  std::string voice_rpc_path;  // /viewer-voice/<secret>
  std::string janus_path = "/janus";
  std::string janus_api_secret;
  std::string region_id = "11111111-2222-3333-4444-555555555555";
  std::size_t sessions = 0;
  std::size_t speakers = 3;
  std::size_t speakers_per_group = 0;  // spread: M = groups × this when set
  std::string layout = "crowded";      // or "spread"
  std::size_t group_size = 8;
  int bitrate = 32000;
  double late_ms = 60;
  // Extra pairs, far from everyone and from each other, in which one viewer talks in spurts
  // (200 ms on, 400 ms off) to the other: each spurt's first packet sent → the first mixed
  // audio frame after silence received is the mixer's delay seen from outside (loopback both
  // ways included). webvoxd only: AudioBridge mixes a whole room for everyone, with no silence.
  std::size_t delay_pairs = 0;
  double warmup_seconds = 3;
  double seconds = 10;
  double connect_timeout = 60;
  std::size_t connect_concurrency = 16;  // viewers provisioning at once
  int server_pid = 0;
  int server_cpu = -1;
  int client_cpu = -1;  // the core this tool is pinned to, to report what else ran on it
  std::string bind = "127.0.0.1";
  // webvoxd's own figures (JSON with mix_delay_p50_ms / mix_delay_p99_ms somewhere in it),
  // read after the window: a path on --server, with HTTP Basic credentials if given.
  std::string stats_path;
  std::string stats_credentials;  // user:password
  std::string json_out;
};

// 0: every session connected; 2: some did not (the figures are still written); throws on
// a setup failure.
int run_viewers(const ViewerRunOptions& options);

}  // namespace webvox::load
