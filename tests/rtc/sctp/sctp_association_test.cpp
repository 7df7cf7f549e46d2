// Data channels between two in-memory SCTP associations (and once through DTLS): simultaneous
// open, DCEP, messages of every kind, large messages, loss.
#include <gtest/gtest.h>

#include <thread>

#include "../dtls/dtls_pair.hpp"
#include "rtc/sctp/data_channel_message.hpp"
#include "rtc/sctp/sctp_association.hpp"

using namespace webvox::rtc;
using Kind = SctpAssociation::Event::Kind;

namespace {

struct SctpPair {
  SctpAssociation client{DtlsRole::Client};
  SctpAssociation server{DtlsRole::Server};
  std::vector<SctpAssociation::Event> client_events;
  std::vector<SctpAssociation::Event> server_events;
  std::function<bool()> lose = [] { return false; };

  void pump() {
    for (int round = 0; round < 200; ++round) {
      auto from_client = client.take_outgoing();
      auto from_server = server.take_outgoing();
      if (from_client.empty() && from_server.empty()) break;
      for (const auto& packet : from_client)
        if (!lose()) server.receive(packet);
      for (const auto& packet : from_server)
        if (!lose()) client.receive(packet);
    }
    for (auto& e : client.take_events()) client_events.push_back(std::move(e));
    for (auto& e : server.take_events()) server_events.push_back(std::move(e));
  }

  void connect() {
    client.connect();
    server.connect();
    pump();
  }
};

const SctpAssociation::Event* find(const std::vector<SctpAssociation::Event>& events, Kind kind) {
  for (const auto& e : events)
    if (e.kind == kind) return &e;
  return nullptr;
}

}  // namespace

TEST(SctpAssociation, SimultaneousOpenConnectsBothSides) {
  SctpPair pair;
  pair.connect();
  EXPECT_TRUE(pair.client.connected());
  EXPECT_TRUE(pair.server.connected());
  EXPECT_NE(find(pair.client_events, Kind::Connected), nullptr);
  EXPECT_NE(find(pair.server_events, Kind::Connected), nullptr);
}

TEST(SctpAssociation, ABrowserOpenedChannelIsAnnouncedAndCarriesMessages) {
  SctpPair pair;
  pair.connect();
  const auto stream = pair.client.open_channel("webvox");
  ASSERT_TRUE(stream.has_value());
  EXPECT_EQ(*stream % 2, 0);  // the DTLS client opens even streams
  pair.pump();
  const auto* opened = find(pair.server_events, Kind::ChannelOpened);
  ASSERT_NE(opened, nullptr);
  EXPECT_EQ(opened->label, "webvox");
  EXPECT_EQ(opened->stream, *stream);

  EXPECT_TRUE(pair.client.send_text(*stream, R"({"slot":0,"member":"k3J9"})"));
  EXPECT_TRUE(pair.server.send_binary(*stream, std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_TRUE(pair.server.send_text(*stream, ""));
  pair.pump();
  const auto* text = find(pair.server_events, Kind::Message);
  ASSERT_NE(text, nullptr);
  EXPECT_FALSE(text->binary);
  EXPECT_EQ(std::string(text->data.begin(), text->data.end()), R"({"slot":0,"member":"k3J9"})");
  std::vector<SctpAssociation::Event> at_client;
  for (const auto& e : pair.client_events)
    if (e.kind == Kind::Message) at_client.push_back(e);
  ASSERT_EQ(at_client.size(), 2u);
  EXPECT_TRUE(at_client[0].binary);
  EXPECT_EQ(at_client[0].data, (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_FALSE(at_client[1].binary);
  EXPECT_TRUE(at_client[1].data.empty());  // the empty-string placeholder is not data
}

TEST(SctpAssociation, EveryNegotiatedStreamCarriesAChannelAndNoMore) {
  // kStreams each way (a few KiB of usrsctp state per association, not ~100 KiB): the client
  // opens the even ids below it, the server the odd ones; one more has no stream to go on.
  SctpPair pair;
  pair.connect();
  std::vector<std::uint16_t> streams;
  for (std::size_t i = 0; i < SctpAssociation::kStreams / 2; ++i) {
    const auto client_stream = pair.client.open_channel("c" + std::to_string(i));
    const auto server_stream = pair.server.open_channel("s" + std::to_string(i));
    ASSERT_TRUE(client_stream && server_stream) << i;
    streams.push_back(*client_stream);
    streams.push_back(*server_stream);
  }
  pair.pump();
  for (const auto stream : streams) {
    EXPECT_LT(stream, SctpAssociation::kStreams);
    auto& sender = stream % 2 == 0 ? pair.client : pair.server;
    EXPECT_TRUE(sender.send_text(stream, "on " + std::to_string(stream))) << stream;
  }
  pair.pump();
  std::size_t opened = 0;
  std::size_t messages = 0;
  for (const auto* events : {&pair.client_events, &pair.server_events}) {
    for (const auto& e : *events) {
      opened += e.kind == Kind::ChannelOpened;
      messages += e.kind == Kind::Message;
    }
  }
  EXPECT_EQ(opened, SctpAssociation::kStreams);
  EXPECT_EQ(messages, SctpAssociation::kStreams);
  EXPECT_FALSE(pair.client.open_channel("one too many"));
}

TEST(SctpAssociation, LargeMessagesArriveWhole) {
  SctpPair pair;
  pair.connect();
  const auto stream = *pair.server.open_channel("bulk");
  EXPECT_EQ(stream % 2, 1);
  pair.pump();
  std::vector<std::uint8_t> big(100000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 31);
  ASSERT_TRUE(pair.server.send_binary(stream, big));
  pair.pump();
  const auto* message = find(pair.client_events, Kind::Message);
  ASSERT_NE(message, nullptr);
  EXPECT_EQ(message->data, big);
}

TEST(SctpAssociation, LostPacketsAreRetransmittedWhenTimersAdvance) {
  SctpPair pair;
  pair.connect();
  const auto stream = *pair.client.open_channel("lossy");
  pair.pump();
  int packet = 0;
  pair.lose = [&] { return ++packet % 3 == 0; };  // a third of all packets, both ways
  std::vector<std::uint8_t> big(20000, 0x5a);
  ASSERT_TRUE(pair.client.send_binary(stream, big));
  const SctpAssociation::Event* message = nullptr;
  // usrsctp has no threads here: retransmissions happen only when its timers are advanced,
  // and it compares send times with the real clock, so the timers follow real time.
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  auto last = Clock::now();
  while (!message && Clock::now() < deadline) {
    pair.pump();
    message = find(pair.server_events, Kind::Message);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto now = Clock::now();
    SctpAssociation::advance_timers(
        std::chrono::duration_cast<std::chrono::milliseconds>(now - last));
    last = now;
  }
  ASSERT_NE(message, nullptr);
  EXPECT_EQ(message->data, big);
}

TEST(SctpAssociation, NothingIsSentOnUnopenedStreamsOrBeforeConnecting) {
  SctpAssociation lone(DtlsRole::Client);
  EXPECT_FALSE(lone.open_channel("x").has_value());
  SctpPair pair;
  pair.connect();
  EXPECT_FALSE(pair.client.send_text(42, "nobody opened this"));
  EXPECT_FALSE(
      pair.client.send_binary(0, std::vector<std::uint8_t>(SctpAssociation::kMaxMessageSize + 1)));
}

TEST(SctpAssociation, GarbageDoesNotHurt) {
  SctpPair pair;
  pair.connect();
  pair.server.receive(std::vector<std::uint8_t>(64, 0xAB));
  pair.server.receive(std::vector<std::uint8_t>{0x13, 0x88});
  const auto stream = *pair.client.open_channel("still-fine");
  pair.pump();
  EXPECT_TRUE(pair.server.connected());
  EXPECT_NE(find(pair.server_events, Kind::ChannelOpened), nullptr);
  (void)stream;
}

TEST(SctpAssociation, RunsOverDtls) {
  webvox::rtc::testing::DtlsPair dtls;
  dtls.client.start();
  dtls.pump();
  ASSERT_TRUE(dtls.connected());
  SctpAssociation client(DtlsRole::Client);
  SctpAssociation server(DtlsRole::Server);
  client.connect();
  server.connect();
  for (int round = 0; round < 100; ++round) {
    for (const auto& p : client.take_outgoing()) dtls.client.send(p);
    for (const auto& p : server.take_outgoing()) dtls.server.send(p);
    dtls.pump();
    for (const auto& p : dtls.server.take_received()) server.receive(p);
    for (const auto& p : dtls.client.take_received()) client.receive(p);
    if (client.connected() && server.connected()) break;
  }
  ASSERT_TRUE(client.connected() && server.connected());
}

TEST(DataChannelOpen, RoundTripsAndRejectsMalformed) {
  DataChannelOpen open;
  open.label = "webvox";
  open.protocol = "slots/1";
  open.reliability = 0x01020304;
  const auto bytes = serialize(open);
  const auto parsed = parse_data_channel_open(bytes);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->label, "webvox");
  EXPECT_EQ(parsed->protocol, "slots/1");
  EXPECT_EQ(parsed->reliability, 0x01020304u);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(parse_data_channel_open(std::span(bytes).first(cut)).has_value()) << cut;
  }
  auto wrong_type = bytes;
  wrong_type[0] = kDcepAck;
  EXPECT_FALSE(parse_data_channel_open(wrong_type).has_value());
}
