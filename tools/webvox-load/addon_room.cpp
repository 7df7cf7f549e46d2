#include "addon_room.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <limits>

#include "base/uuid.hpp"

namespace webvox::load {
namespace {

void djb2(std::uint64_t& hash, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) hash = hash * 33 + bytes[i];
}

std::string lower(std::string text) {
  for (auto& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

}  // namespace

std::optional<std::int64_t> local_room_number(const std::string& region_id, std::int32_t parcel) {
  std::uint64_t hash = 5381;
  const auto region = lower(region_id);
  djb2(hash, region.data(), region.size());
  djb2(hash, "local", 5);
  // C# has no Add(int) overload there: the parcel id is hashed as a little-endian float.
  const auto as_float = std::bit_cast<std::uint32_t>(static_cast<float>(parcel));
  const std::array<unsigned char, 4> bytes{
      static_cast<unsigned char>(as_float), static_cast<unsigned char>(as_float >> 8),
      static_cast<unsigned char>(as_float >> 16), static_cast<unsigned char>(as_float >> 24)};
  djb2(hash, bytes.data(), bytes.size());
  // BHashULong.GetHashCode(): (int)(upper ^ lower).
  const auto folded =
      static_cast<std::int32_t>(static_cast<std::uint32_t>((hash >> 32) ^ (hash & 0xffffffffu)));
  if (folded == std::numeric_limits<std::int32_t>::min()) return std::nullopt;
  return folded < 0 ? -static_cast<std::int64_t>(folded) : folded;
}

std::string local_room_description(const std::string& region_id, std::int32_t parcel) {
  return lower(region_id) + "/local/" + std::to_string(parcel);
}

std::optional<std::uint64_t> participant_id(const std::string& agent_id) {
  const auto uuid = base::parse_uuid(agent_id);
  if (!uuid) return std::nullopt;
  // .NET's Guid layout (Python's uuid.bytes_le): the first three fields little-endian.
  std::array<unsigned char, 16> raw{};
  const auto& b = *uuid;
  raw = {b[3], b[2], b[1],  b[0],  b[5],  b[4],  b[7],  b[6],
         b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]};
  std::uint64_t a = 0, c = 0;
  for (int i = 7; i >= 0; --i) a = (a << 8) | raw[static_cast<std::size_t>(i)];
  for (int i = 15; i >= 8; --i) c = (c << 8) | raw[static_cast<std::size_t>(i)];
  const auto x = static_cast<std::int64_t>(a ^ c);
  // Math.Abs(long.MinValue) throws in C#; such an agent cannot join there either.
  if (x == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
  return static_cast<std::uint64_t>(x < 0 ? -x : x);
}

}  // namespace webvox::load
