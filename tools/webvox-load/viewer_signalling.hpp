// How a load viewer's offer reaches the voice server: through os-webrtc-janus, whichever way
// the simulator is configured (shared/spec/viewer-webrtc.md §2.7, §3). Both doors do the same
// two things for a viewer: provision (offer up, answer back) and trickle (the viewer's
// candidates, then "completed").
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace webvox::load {

struct ProvisionResult {
  std::string answer_sdp;  // empty on failure
  std::string failure;     // why, when there is no answer
};

class ViewerSignalling {
 public:
  virtual ~ViewerSignalling() = default;
  virtual void provision(const std::string& offer_sdp,
                         std::function<void(ProvisionResult)> done) = 0;
  // After the answer: candidates (the viewer's form, no "candidate:" prefix, all of sdpMid
  // "0"), then {"completed":true}, as the viewer's trickle arrives.
  virtual void trickle(std::vector<std::string> candidates) = 0;
  virtual void stop() = 0;
};

// Who the viewer is and where: the agent (its UUID) in a region's estate voice.
struct ViewerIdentity {
  std::string agent_id;
  std::string region_id;
};

}  // namespace webvox::load
