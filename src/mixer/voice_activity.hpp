// A speaker's level for the roster (SLData `p`) and whether it is speaking (`v`), from the
// frames the mixer decoded (spec viewer-webrtc.md §4.2 and §8 item 2).
#pragma once

namespace webvox::mixer {

class VoiceActivity {
 public:
  // Speaking starts when a frame's RMS reaches -45 dBFS (speech into an AGC'd microphone
  // sits around -30 to -20 dBFS)…
  static constexpr double kOnDbfs = -45;
  // …and ends after kHangoverTicks frames below -55 dBFS (the 10 dB between the two keeps the
  // dot from flickering on a voice that hovers near one threshold).
  static constexpr double kOffDbfs = -55;
  static constexpr int kHangoverTicks = 15;  // 300 ms, the viewer's own smoothing window
  // The power follows rises within a frame and falls with this factor of energy per frame
  // (about 100 ms).
  static constexpr double kFallPerTick = 0.8;

  // One tick: the frame's RMS (full scale 1); 0 for a tick without audio.
  void update(double rms);

  // 0 … 1 on the viewer's own meter scale (llvoicewebrtc.cpp: level = 1 - 0.008 · (-dBFS)):
  // 0 dBFS is 1, -125 dBFS and below 0. The viewer shows p/128, so `p` = round(power · 128),
  // at most 127 (int8).
  double power() const { return power_; }
  bool speaking() const { return speaking_; }

 private:
  double energy_ = 0;  // smoothed mean square
  double power_ = 0;
  bool speaking_ = false;
  int quiet_ticks_ = 0;
};

}  // namespace webvox::mixer
