#pragma once
// Internal to src/http: the layer under a WebSocket stream that charges the peer's frames
// (WebSocketFrameMeter) as Beast reads them. Included by websocket_session.hpp only.

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <span>
#include <string>
#include <utility>

#include "http/websocket_frame_meter.hpp"

namespace webvox::http::detail {

// What a read completes with once the peer broke a frame limit.
enum class FrameLimitError { kTooManyFramesInMessage = 1, kFrameRate = 2 };

inline const boost::system::error_category& frame_limit_category() {
  class Category final : public boost::system::error_category {
   public:
    const char* name() const noexcept override { return "webvox.websocket_frames"; }
    std::string message(int value) const override {
      return value == static_cast<int>(FrameLimitError::kTooManyFramesInMessage)
                 ? "too many frames in one message"
                 : "frames arrive faster than allowed";
    }
  };
  static const Category category;
  return category;
}

inline boost::system::error_code make_error_code(FrameLimitError error) {
  return {static_cast<int>(error), frame_limit_category()};
}

// Passes everything through to NextLayer, and feeds every byte read to the meter. Once the
// meter's verdict is against the peer, the read that saw it and every later one fail with a
// FrameLimitError: Beast's read (or close) ends there, whatever frames are still buffered.
template <class NextLayer>
class FrameMeteredStream {
 public:
  using executor_type = typename NextLayer::executor_type;

  FrameMeteredStream(NextLayer&& next, WebSocketFrameMeter::Limits limits)
      : next_(std::move(next)), meter_(limits) {}

  executor_type get_executor() noexcept { return next_.get_executor(); }
  NextLayer& next_layer() noexcept { return next_; }
  const NextLayer& next_layer() const noexcept { return next_; }
  const WebSocketFrameMeter& meter() const { return meter_; }

  template <class MutableBufferSequence, class ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return boost::asio::async_initiate<ReadHandler, void(boost::system::error_code, std::size_t)>(
        [this](auto completion, const MutableBufferSequence& into) {
          const auto executor = boost::asio::get_associated_executor(completion, get_executor());
          if (const auto error = limit_error()) {
            return boost::asio::post(executor, boost::beast::bind_front_handler(
                                                   std::move(completion), error, std::size_t{0}));
          }
          next_.async_read_some(
              into, boost::asio::bind_executor(
                        executor, [this, into, completion = std::move(completion)](
                                      boost::system::error_code ec, std::size_t n) mutable {
                          if (!ec) {
                            charge(into, n);
                            if (const auto error = limit_error()) ec = error;
                          }
                          completion(ec, n);
                        }));
        },
        handler, buffers);
  }

  template <class ConstBufferSequence, class WriteHandler>
  auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return next_.async_write_some(buffers, std::forward<WriteHandler>(handler));
  }

 private:
  template <class MutableBufferSequence>
  void charge(const MutableBufferSequence& into, std::size_t n) {
    const auto now = std::chrono::steady_clock::now();
    const auto filled = boost::beast::buffers_prefix(n, into);
    for (const auto buffer : boost::beast::buffers_range_ref(filled)) {
      meter_.feed({static_cast<const unsigned char*>(buffer.data()), buffer.size()}, now);
    }
  }

  boost::system::error_code limit_error() const {
    switch (meter_.verdict()) {
      case WebSocketFrameMeter::Verdict::kWithinLimits:
        return {};
      case WebSocketFrameMeter::Verdict::kTooManyFramesInMessage:
        return make_error_code(FrameLimitError::kTooManyFramesInMessage);
      case WebSocketFrameMeter::Verdict::kFrameRate:
        break;
    }
    return make_error_code(FrameLimitError::kFrameRate);
  }

  NextLayer next_;
  WebSocketFrameMeter meter_;
};

// Closing the WebSocket closes what is under the meter (Beast finds these by ADL).
template <class NextLayer>
void teardown(boost::beast::role_type role, FrameMeteredStream<NextLayer>& stream,
              boost::system::error_code& ec) {
  using boost::beast::websocket::teardown;
  teardown(role, stream.next_layer(), ec);
}

template <class NextLayer, class TeardownHandler>
void async_teardown(boost::beast::role_type role, FrameMeteredStream<NextLayer>& stream,
                    TeardownHandler&& handler) {
  using boost::beast::websocket::async_teardown;
  async_teardown(role, stream.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace webvox::http::detail
