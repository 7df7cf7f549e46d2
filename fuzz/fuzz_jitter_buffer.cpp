// A speaker's packets straight off the network (sequence numbers, timestamps and payloads as
// any sender may choose them) through its jitter buffer and decoder, with ticks in between:
// nothing may crash, memory stays bounded, every frame is one tick long, and every packet is
// accounted for under exactly one fate.
//
// Input: a list of operations. 0x00-0xBF: push a packet — 2 bytes sequence number, 4 bytes
// timestamp, 1 byte RFC 6464 level (0x80 set: none), 2 bytes payload length, the payload.
// 0xC0-0xFF: render (low 6 bits + 1) ticks.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz_checks.hpp"
#include "mixer/speaker_stream.hpp"

using namespace webvox::mixer;

namespace {

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}
  bool has(std::size_t n) const { return data_.size() - at_ >= n; }
  std::uint8_t byte() { return data_[at_++]; }
  std::uint16_t u16() {
    const auto high = byte();
    return static_cast<std::uint16_t>((high << 8) | byte());
  }
  std::uint32_t u32() {
    const std::uint32_t high = u16();
    return (high << 16) | u16();
  }
  std::span<const std::uint8_t> take(std::size_t n) {
    n = std::min(n, data_.size() - at_);
    const auto out = data_.subspan(at_, n);
    at_ += n;
    return out;
  }
  bool done() const { return at_ >= data_.size(); }

 private:
  std::span<const std::uint8_t> data_;
  std::size_t at_ = 0;
};

// Payload slots, the sample queue (one packet of 120 ms and a tick of leftovers and gap, with
// vector growth), and one decoder.
constexpr std::size_t kHeapBound =
    JitterBuffer::kSlots * kMaxPayloadBytes +
    2 * (kMaxPacketSamples + kTickSamples + JitterBuffer::kMaxGapSamples) * sizeof(float) + 32768;

void check(const SpeakerStream& stream, std::string_view input) {
  const auto& buffer = stream.buffer();
  const auto& c = buffer.counters();
  WEBVOX_FUZZ_CHECK(c.pushed == c.played + buffer.queued_packets() + c.malformed + c.late +
                                    c.duplicate + c.overflow + c.trimmed,
                    input);
  WEBVOX_FUZZ_CHECK(buffer.queued_packets() <= JitterBuffer::kSlots, input);
  WEBVOX_FUZZ_CHECK(stream.heap_bytes() <= kHeapBound, input);
  const auto& d = stream.counters();
  WEBVOX_FUZZ_CHECK(d.decoded + d.decode_error + d.skipped_silent <= c.played, input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  SpeakerStream stream;
  Reader reader({data, size});
  TimePoint now{};
  int ticks = 0;
  while (!reader.done() && ticks < 2000) {
    const std::uint8_t op = reader.byte();
    if (op >= 0xC0) {
      const int count = (op & 0x3F) + 1;
      for (int i = 0; i < count; ++i, ++ticks) {
        const auto frame = stream.render();
        if (frame.audible) {
          WEBVOX_FUZZ_CHECK(frame.samples.size() == kTickSamples, input);
          WEBVOX_FUZZ_CHECK(frame.rms >= SpeakerStream::kAudibleRms, input);
        } else {
          WEBVOX_FUZZ_CHECK(frame.samples.empty(), input);
        }
        now += kTickDuration;
      }
      check(stream, input);
      continue;
    }
    if (!reader.has(9)) break;
    SpeakerPacket packet;
    packet.sequence_number = reader.u16();
    packet.timestamp = reader.u32();
    const std::uint8_t level = reader.byte();
    if (!(level & 0x80)) packet.level_minus_dbov = level;
    packet.payload = reader.take(reader.u16());
    packet.arrival = now;
    stream.push(packet);
    check(stream, input);
  }
  return 0;
}
