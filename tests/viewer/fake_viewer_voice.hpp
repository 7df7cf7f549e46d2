// A ViewerVoice that records what the door asked and answers provisions when the test says.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "viewer/viewer_voice.hpp"

namespace webvox::viewer::test {

class FakeViewerVoice : public ViewerVoice {
 public:
  struct Trickle {
    std::string viewer_session;
    std::vector<rtc::sdp::Candidate> candidates;
    bool completed = false;
  };

  void provision(ProvisionRequest request, std::function<void(ProvisionOutcome)> done) override {
    provisions.push_back(std::move(request));
    pending.push_back(std::move(done));
  }
  void trickle(const std::string& viewer_session, std::vector<rtc::sdp::Candidate> candidates,
               bool completed) override {
    trickles.push_back({viewer_session, std::move(candidates), completed});
  }
  void logout(const std::string& agent_id, const std::string& viewer_session) override {
    logouts.emplace_back(agent_id, viewer_session);
  }
  void logout_all(const std::string& agent_id) override { logouts_all.push_back(agent_id); }

  std::vector<ProvisionRequest> provisions;
  std::vector<std::function<void(ProvisionOutcome)>> pending;
  std::vector<Trickle> trickles;
  std::vector<std::pair<std::string, std::string>> logouts;
  std::vector<std::string> logouts_all;
};

}  // namespace webvox::viewer::test
