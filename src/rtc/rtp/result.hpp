#pragma once

#include <utility>
#include <variant>

namespace webvox::rtc::rtp {

// Either a parsed value or the reason it could not be parsed (std::expected is C++23).
template <typename T, typename E>
class Result {
 public:
  Result(T value) : content_(std::move(value)) {}  // NOLINT: implicit, like std::expected
  Result(E error) : content_(error) {}             // NOLINT

  bool ok() const { return content_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const { return std::get<0>(content_); }
  const T& operator*() const { return value(); }
  const T* operator->() const { return &value(); }
  E error() const { return std::get<1>(content_); }

 private:
  std::variant<T, E> content_;
};

}  // namespace webvox::rtc::rtp
