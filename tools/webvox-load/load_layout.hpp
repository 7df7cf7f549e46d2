// Where the load generator's members stand and who speaks, so that range culling can be
// switched on or off with the same number of members: "crowded" puts everyone within a few
// metres (everyone hears every speaker, each listener's slots fill up), "culled" puts them in
// groups 100 m apart, beyond any channel's hearing range, so each hears only its group's
// speakers. Pure arithmetic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace webvox::load {

enum class Arrangement { Crowded, Culled };

struct LayoutSettings {
  Arrangement arrangement = Arrangement::Crowded;
  std::size_t members = 0;
  std::size_t speakers = 0;    // members 0 … speakers-1 speak
  std::size_t group_size = 8;  // culled only
  std::size_t slots = 8;       // receive slots per listener
};

struct Spot {
  double x = 0, y = 0, z = 25;
};

class Layout {
 public:
  explicit Layout(LayoutSettings settings);

  Spot spot(std::size_t member) const;
  bool speaks(std::size_t member) const { return member < settings_.speakers; }
  // How loud a speaker is (RFC 6464, −dBov): distinct per speaker so the loudest-first slot
  // choice is stable, always above the forwarder's voice threshold.
  std::uint8_t level(std::size_t member) const;
  // The speakers `member` should receive at once: those it hears, loudest first, as many as
  // it has slots. What webvoxd's slot allocation should arrive at, and what a Janus
  // subscriber subscribes to (Janus has no positions: the client culls).
  std::vector<std::size_t> received_speakers(std::size_t member) const;
  std::size_t expected_streams(std::size_t member) const {
    return received_speakers(member).size();
  }
  std::size_t groups() const { return groups_; }

 private:
  std::size_t group_of(std::size_t member) const { return member % groups_; }

  LayoutSettings settings_;
  std::size_t groups_ = 1;
};

}  // namespace webvox::load
