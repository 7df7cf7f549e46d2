// Decrypted RTP off the wire (and, from the same bytes, a run of packets through a slot's
// sequencer and the receive statistics): nothing may crash or read outside the buffer, what
// parses must account for every byte, rewriting must change exactly the rewritten fields, and a
// slot's output must stay one gap-free stream.
#include <algorithm>
#include <bitset>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "fuzz_checks.hpp"
#include "rtc/rtp/audio_level.hpp"
#include "rtc/rtp/header_extension.hpp"
#include "rtc/rtp/receive_statistics.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "rtc/rtp/rtp_rewrite.hpp"
#include "rtc/rtp/slot_sequencer.hpp"

using namespace webvox::rtc::rtp;
using webvox::fuzz::fail;

namespace {

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool within(std::span<const std::uint8_t> inner, std::span<const std::uint8_t> outer) {
  return inner.empty() || (inner.data() >= outer.data() &&
                           inner.data() + inner.size() <= outer.data() + outer.size());
}

void check_extensions(const RtpPacketView& packet, std::span<const std::uint8_t> input) {
  if (!packet.header_extension) return;
  const auto block = packet.header_extension->data;
  WEBVOX_FUZZ_CHECK(within(block, input), as_text(input));
  HeaderExtensionReader reader(*packet.header_extension);
  std::size_t count = 0;
  while (const auto element = reader.next()) {
    WEBVOX_FUZZ_CHECK(within(element->data, block), as_text(input));
    WEBVOX_FUZZ_CHECK(element->id != 0, as_text(input));
    WEBVOX_FUZZ_CHECK(++count <= block.size(), as_text(input));
    const auto level = read_audio_level(packet, element->id);
    if (level) WEBVOX_FUZZ_CHECK(level->level_minus_dbov <= 127, as_text(input));
  }
}

void check_rewrite(const RtpPacketView& original, std::span<const std::uint8_t> input) {
  std::vector<std::uint8_t> copy(input.begin(), input.end());
  const std::uint32_t ssrc = ~original.ssrc;
  const auto sequence = static_cast<std::uint16_t>(original.sequence_number + 12345);
  const std::uint32_t timestamp = original.timestamp ^ 0x80000001u;
  const auto payload_type = static_cast<std::uint8_t>((original.payload_type + 1) & 0x7f);
  if (!set_ssrc(copy, ssrc) || !set_sequence_number(copy, sequence) ||
      !set_timestamp(copy, timestamp) || !set_payload_type(copy, payload_type)) {
    fail("rewrite refused a packet that parsed", as_text(input));
  }
  const auto again = parse_rtp_packet(copy);
  if (!again) fail("rewritten packet no longer parses", as_text(input));
  const bool same_rest = again->marker == original.marker &&
                         again->csrc_count == original.csrc_count &&
                         again->header_size == original.header_size &&
                         again->payload.size() == original.payload.size() &&
                         std::equal(copy.begin() + 12, copy.end(), input.begin() + 12);
  const bool rewritten = again->ssrc == ssrc && again->sequence_number == sequence &&
                         again->timestamp == timestamp && again->payload_type == payload_type;
  WEBVOX_FUZZ_CHECK(same_rest && rewritten, as_text(input));
}

void check_remap(const RtpPacketView& original, std::span<const std::uint8_t> input) {
  std::vector<std::uint8_t> copy(input.begin(), input.end());
  ExtensionIdMap identity{};
  for (std::size_t id = 0; id < identity.size(); ++id) identity[id] = static_cast<std::uint8_t>(id);
  const auto identity_error = remap_extension_ids(copy, identity);
  if (!identity_error) {
    WEBVOX_FUZZ_CHECK(std::equal(copy.begin(), copy.end(), input.begin()), as_text(input));
  }

  // Shift every id by one (dropping the highest): what was found under id n is under n + 1.
  ExtensionIdMap shifted{};
  for (std::size_t id = 1; id < 14; ++id) shifted[id] = static_cast<std::uint8_t>(id + 1);
  const auto error = remap_extension_ids(copy, shifted);
  const auto again = parse_rtp_packet(copy);
  if (!again) fail("remapped packet no longer parses", as_text(input));
  WEBVOX_FUZZ_CHECK(std::equal(again->payload.begin(), again->payload.end(),
                               original.payload.begin(), original.payload.end()),
                    as_text(input));
  if (error) {
    WEBVOX_FUZZ_CHECK(std::equal(copy.begin(), copy.end(), input.begin()), as_text(input));
    return;
  }
  for (std::uint8_t id = 1; id < 14; ++id) {
    const auto before = find_extension(original, id);
    const auto after = find_extension(*again, static_cast<std::uint8_t>(id + 1));
    if (before.has_value() != after.has_value() ||
        (before && !std::equal(before->begin(), before->end(), after->begin(), after->end()))) {
      fail("remapped element lost or changed", as_text(input));
    }
  }
}

void check_packet(std::span<const std::uint8_t> input) {
  const auto parsed = parse_rtp_packet(input);
  if (!parsed) {
    (void)to_string(parsed.error());
    return;
  }
  const RtpPacketView& packet = *parsed;
  WEBVOX_FUZZ_CHECK(within(packet.payload, input), as_text(input));
  WEBVOX_FUZZ_CHECK(
      packet.header_size + packet.payload.size() + packet.padding_size == input.size(),
      as_text(input));
  WEBVOX_FUZZ_CHECK(packet.csrc_bytes.size() == 4u * packet.csrc_count, as_text(input));
  WEBVOX_FUZZ_CHECK(packet.payload_type <= 127, as_text(input));
  check_extensions(packet, input);
  check_rewrite(packet, input);
  check_remap(packet, input);
}

// Each 6 bytes: which of 6 speakers, a small step of its sequence number, a timestamp step and
// how long since the previous packet. Steps stay small so the slot's output cannot wrap.
void check_slot(std::span<const std::uint8_t> input) {
  using namespace std::chrono;
  SlotSequencer sequencer(SlotSequencerConfig{48000, 65000, 0xfffff000, 960});
  ReceiveStatistics statistics;
  std::uint16_t sequence[6] = {0, 1000, 30000, 65500, 65535, 7};
  std::uint32_t timestamp[6] = {0, 1, 0xffffff00, 5, 6, 7};
  auto now = SlotSequencer::Clock::time_point{} + hours(1);
  std::bitset<65536> used;
  bool any = false;
  std::uint16_t highest_out = 0;
  std::uint32_t last_out_timestamp = 0;

  for (std::size_t at = 0; at + 6 <= input.size(); at += 6) {
    const std::size_t speaker = input[at] % 6;
    sequence[speaker] = static_cast<std::uint16_t>(sequence[speaker] + (input[at + 1] % 24) - 8);
    timestamp[speaker] += static_cast<std::uint32_t>(input[at + 2]) * 120;
    now += milliseconds(input[at + 3]);
    statistics.on_packet(static_cast<std::uint16_t>((input[at + 4] << 8) | input[at + 5]),
                         timestamp[speaker], static_cast<std::uint32_t>(at * 97));

    const auto out = sequencer.map(
        {0x1000u + static_cast<std::uint32_t>(speaker), sequence[speaker], timestamp[speaker]},
        now);
    if (!out) continue;
    WEBVOX_FUZZ_CHECK(!used.test(out->sequence_number), as_text(input));
    used.set(out->sequence_number);
    if (out->source_switched && any) {
      WEBVOX_FUZZ_CHECK(out->sequence_number == static_cast<std::uint16_t>(highest_out + 1),
                        as_text(input));
      WEBVOX_FUZZ_CHECK(static_cast<std::int32_t>(out->timestamp - last_out_timestamp) > 0,
                        as_text(input));
    }
    if (!any || static_cast<std::int16_t>(out->sequence_number - highest_out) > 0) {
      highest_out = out->sequence_number;
      last_out_timestamp = out->timestamp;
    }
    any = true;
  }
  const ReportBlock block = statistics.make_report_block(1, 0, 0);
  WEBVOX_FUZZ_CHECK(
      block.cumulative_lost >= kMinCumulativeLost && block.cumulative_lost <= kMaxCumulativeLost,
      as_text(input));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  check_packet(input);
  check_slot(input);
  return 0;
}
