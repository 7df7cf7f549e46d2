// A value or the typed reason there is none: what every parser of network input returns, so no
// API has to throw. It is the part of C++23's std::expected the code uses, spelled the same
// way (Expected<T, E>, unexpected(e), has_value(), value(), error(), *, ->), so moving to
// std::expected later is a rename.
#pragma once

#include <utility>
#include <variant>

namespace webvox::base {

// The error side of an Expected, as std::unexpected: `return unexpected(Error::Truncated);`.
template <typename E>
struct Unexpected {
  E error;
};

template <typename E>
Unexpected<E> unexpected(E error) {
  return Unexpected<E>{std::move(error)};
}

template <typename T, typename E>
class Expected {
 public:
  using value_type = T;
  using error_type = E;

  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  template <typename G>
  Expected(Unexpected<G> failure)  // NOLINT: implicit, like std::expected
      : state_(std::in_place_index<1>, E(std::move(failure.error))) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  E& error() & { return std::get<1>(state_); }
  const E& error() const& { return std::get<1>(state_); }
  E&& error() && { return std::get<1>(std::move(state_)); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, E> state_;
};

}  // namespace webvox::base
