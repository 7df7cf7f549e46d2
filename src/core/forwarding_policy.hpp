#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace webvox::core {

// How voice flows in one channel right now (its `forwarding` in signalling messages): peer to
// peer between every pair of members, or through the server's SFU, which forwards each
// listener the speakers it hears.
enum class ForwardingMode { Mesh, Sfu };

// The server's setting (media-mode): let each channel's size decide, or fix one way for all.
enum class MediaMode { Auto, Mesh, AlwaysSfu };

std::string_view to_string(ForwardingMode forwarding);
std::string_view to_string(MediaMode mode);
// "auto", "mesh", "always-sfu"; "sfu" is kept as another name for always-sfu, which is what
// it meant before channels chose for themselves.
std::optional<MediaMode> parse_media_mode(std::string_view text);

// Decides each channel's forwarding from its member count. In `auto` a channel is a mesh up to
// `sfu_threshold` members and forwarded beyond: every member of a mesh sends its voice to every
// other, so upload and connections grow with the channel, while forwarded each sends once.
//
// Back to a mesh only below the threshold (at threshold − 1 members or fewer): between the two
// points a channel keeps the way it has. Every switch makes every member tear down its
// connections and build new ones, which interrupts everyone's voice for a moment; with the gap,
// one member coming and going (a page reload, a flaky network) at the boundary can flip the
// channel at most once, never back and forth: it takes two members leaving to undo a switch
// one member's arrival made.
struct ForwardingPolicy {
  MediaMode mode = MediaMode::Auto;
  std::size_t sfu_threshold = 4;  // at least 1

  // What a channel with `members` members, forwarded as `current` until now, should do.
  ForwardingMode decide(ForwardingMode current, std::size_t members) const;
};

}  // namespace webvox::core
