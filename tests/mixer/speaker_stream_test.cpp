#include "mixer/speaker_stream.hpp"

#include <gtest/gtest.h>

#include "tone_source.hpp"

namespace webvox::mixer {
namespace {

using test::ToneSpeaker;

const TimePoint kStart{std::chrono::seconds(100)};

// A speaker coded as the viewer's libwebrtc codes speech with FEC on, under expected loss:
// SILK/hybrid, so the packets carry LBRR.
EncoderSettings fec_settings() {
  EncoderSettings settings;
  settings.channels = 1;
  settings.application = EncoderSettings::Application::Voip;
  settings.bitrate = 32000;
  settings.inband_fec = true;
  settings.expected_loss_percent = 20;
  return settings;
}

TEST(SpeakerStream, DecodesOneFramePerTickAndStopsAfterAConcealmentTail) {
  SpeakerStream stream;
  ToneSpeaker tone;
  for (int tick = 0; tick < 20; ++tick) {
    stream.push(tone.next().at(kStart));
    const auto frame = stream.render();
    ASSERT_TRUE(frame.audible);
    EXPECT_EQ(frame.samples.size(), kTickSamples);
  }
  EXPECT_EQ(stream.counters().decoded, 20u);
  // The speaker stops: three ticks of concealment, then nothing is decoded.
  int audible = 0;
  for (int tick = 0; tick < 20; ++tick) audible += stream.render().audible ? 1 : 0;
  EXPECT_LE(audible, 3);
  EXPECT_EQ(stream.counters().concealed, 3u);
  EXPECT_EQ(stream.counters().decoded, 20u);
  EXPECT_FALSE(stream.buffer().playing());
  // After a while even the decoder's memory goes.
  for (int tick = 0; tick < SpeakerStream::kReleaseDecoderTicks; ++tick) stream.render();
  EXPECT_FALSE(stream.has_decoder());
  EXPECT_EQ(stream.heap_bytes(), 0u);
  // And it comes back with the next packet.
  stream.push(tone.next().at(kStart));
  EXPECT_TRUE(stream.render().audible);
  EXPECT_TRUE(stream.has_decoder());
}

TEST(SpeakerStream, ALostPacketIsRebuiltFromTheNextOnesFec) {
  SpeakerStream stream;
  ToneSpeaker voice(300, 0.3, fec_settings());
  for (int i = 0; i < 10; ++i) {
    stream.push(voice.next().at(kStart));
    ASSERT_TRUE(stream.render().audible);
  }
  voice.next();  // lost
  const auto after = voice.next();
  // The packet after the gap arrived in time: the gap's tick is rebuilt from its FEC.
  stream.push(after.at(kStart));
  EXPECT_TRUE(stream.render().audible);
  EXPECT_EQ(stream.counters().fec_recovered, 1u);
  EXPECT_TRUE(stream.render().audible);  // then the packet itself
  EXPECT_EQ(stream.buffer().counters().lost, 1u);
  EXPECT_EQ(stream.counters().concealed, 0u);
}

TEST(SpeakerStream, FecSoundsCloserToTheLostFrameThanConcealment) {
  // The same stream twice: once with a gap filled by FEC, once by PLC alone (the later packet
  // arriving too late for it). The FEC frame is nearer to what the lost packet held.
  ToneSpeaker reference_voice(300, 0.3, fec_settings());
  std::vector<test::CodedPacket> packets;
  for (int i = 0; i < 20; ++i) packets.push_back(reference_voice.next());
  constexpr int kLost = 12;

  auto frame_at = [&](int mode) {  // 0: nothing lost, 1: FEC, 2: PLC
    SpeakerStream stream;
    std::vector<float> frame;
    for (int i = 0; i <= kLost; ++i) {
      if (i != kLost || mode == 0) stream.push(packets[i].at(kStart));
      if (i == kLost && mode == 1) stream.push(packets[i + 1].at(kStart));
      const auto out = stream.render();
      if (i == kLost) frame.assign(out.samples.begin(), out.samples.end());
    }
    return frame;
  };
  const auto original = frame_at(0);
  const auto fec = frame_at(1);
  const auto plc = frame_at(2);
  ASSERT_EQ(original.size(), kTickSamples);
  ASSERT_EQ(fec.size(), kTickSamples);
  ASSERT_EQ(plc.size(), kTickSamples);
  auto error = [&](const std::vector<float>& x) {
    double e = 0;
    for (std::size_t i = 0; i < kTickSamples; ++i) e += (x[i] - original[i]) * (x[i] - original[i]);
    return e;
  };
  EXPECT_LT(error(fec), error(plc));
}

TEST(SpeakerStream, LateDuplicateAndReorderedPackets) {
  SpeakerStream stream;
  ToneSpeaker tone;
  std::vector<test::CodedPacket> packets;
  for (int i = 0; i < 8; ++i) packets.push_back(tone.next());
  stream.push(packets[0].at(kStart));
  stream.render();
  // 2 before 1, in one tick: reordered, nothing lost.
  stream.push(packets[2].at(kStart));
  stream.push(packets[1].at(kStart));
  stream.push(packets[1].at(kStart));  // duplicate
  stream.render();
  stream.render();
  EXPECT_EQ(stream.buffer().counters().lost, 0u);
  EXPECT_EQ(stream.buffer().counters().duplicate, 1u);
  // 3 misses its tick (concealed), then arrives with 4: rare, so 3 is skipped (the
  // concealment stands for it) and 4 plays in its own tick.
  EXPECT_TRUE(stream.render().audible);
  EXPECT_EQ(stream.counters().concealed, 1u);
  stream.push(packets[3].at(kStart));
  stream.push(packets[4].at(kStart));
  stream.render();
  EXPECT_EQ(stream.counters().decoded, 4u);
  EXPECT_EQ(stream.buffer().counters().late, 1u);
  EXPECT_EQ(stream.buffer().queued_packets(), 0u);
  // 5 is skipped over (6 arrives first and 5 after its turn): 5 is late.
  stream.push(packets[6].at(kStart));
  stream.render();  // gap: 5 rebuilt (FEC call on 6)
  stream.push(packets[5].at(kStart));
  EXPECT_EQ(stream.buffer().counters().late, 2u);
  EXPECT_EQ(stream.buffer().counters().lost, 1u);
}

TEST(SpeakerStream, SilentPacketsAreNotDecodedAfterAHangover) {
  SpeakerStream stream;
  ToneSpeaker tone;
  // Loud packets, then the sender's audio level says silence (RFC 6464 level 127).
  for (int i = 0; i < 5; ++i) {
    stream.push(tone.next().at(kStart, 30));
    stream.render();
  }
  for (int i = 0; i < 40; ++i) {
    stream.push(tone.next().at(kStart, 127));
    stream.render();
  }
  EXPECT_EQ(stream.counters().skipped_silent,
            40u - static_cast<unsigned>(SpeakerStream::kSilentHangoverPackets));
  EXPECT_EQ(stream.counters().decoded, 5u + SpeakerStream::kSilentHangoverPackets);
  // The level rises again: decoded at once.
  stream.push(tone.next().at(kStart, 20));
  EXPECT_TRUE(stream.render().audible);
  // DTX packets (a TOC byte alone) are never decoded.
  const std::vector<std::uint8_t> dtx = {0xF8};
  SpeakerStream fresh;
  fresh.push(SpeakerPacket{1, 0, dtx, kStart, std::nullopt});
  EXPECT_FALSE(fresh.render().audible);
  EXPECT_EQ(fresh.counters().skipped_silent, 1u);
  EXPECT_EQ(fresh.counters().decoded, 0u);
  EXPECT_FALSE(fresh.has_decoder());
}

TEST(SpeakerStream, PacketsLongerThanATickPlayOverSeveralTicks) {
  SpeakerStream stream;
  ToneSpeaker tone(440, 0.25, test::tone_settings(), 1, 0, 3 * kTickSamples);  // 60 ms
  for (int packet = 0; packet < 4; ++packet) {
    stream.push(tone.next().at(kStart));
    for (int tick = 0; tick < 3; ++tick) {
      const auto frame = stream.render();
      ASSERT_TRUE(frame.audible) << packet << " " << tick;
    }
  }
  EXPECT_EQ(stream.counters().decoded, 4u);
  EXPECT_EQ(stream.counters().concealed, 0u);
  // 10 ms packets: two per tick.
  SpeakerStream short_packets;
  ToneSpeaker fast(440, 0.25, test::tone_settings(), 1, 0, kTickSamples / 2);
  for (int tick = 0; tick < 5; ++tick) {
    short_packets.push(fast.next().at(kStart));
    short_packets.push(fast.next().at(kStart));
    ASSERT_TRUE(short_packets.render().audible);
  }
  EXPECT_EQ(short_packets.counters().decoded, 10u);
}

TEST(SpeakerStream, CorruptPacketsAreConcealedAndCounted) {
  SpeakerStream stream;
  ToneSpeaker tone;
  stream.push(tone.next().at(kStart));
  stream.render();
  // A valid CELT 20 ms TOC whose frames libopus cannot accept (code 1: two equal frames,
  // which an odd number of bytes cannot hold).
  const std::vector<std::uint8_t> corrupt = {(31 << 3) | 1, 1, 2, 3};
  stream.push(SpeakerPacket{1001, 5960, corrupt, kStart, std::nullopt});
  EXPECT_TRUE(stream.render().audible);
  EXPECT_EQ(stream.counters().decode_error, 1u);
  EXPECT_EQ(stream.counters().concealed, 1u);
}

TEST(SpeakerStream, DelaysFromArrivalAreReported) {
  SpeakerStream stream;
  ToneSpeaker tone;
  const TimePoint arrival = kStart + std::chrono::milliseconds(7);
  stream.push(tone.next().at(arrival));
  const auto frame = stream.render();
  ASSERT_TRUE(frame.first_arrival);
  EXPECT_EQ(*frame.first_arrival, arrival);
  EXPECT_FALSE(stream.render().first_arrival);  // concealment carries no packet
}

}  // namespace
}  // namespace webvox::mixer
