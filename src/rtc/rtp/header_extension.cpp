#include "rtc/rtp/header_extension.hpp"

#include <algorithm>

namespace webvox::rtc::rtp {

namespace {
constexpr std::uint8_t kOneByteStopId = 15;
constexpr std::uint8_t kOneByteMaxId = 14;
}  // namespace

std::string_view to_string(ExtensionError error) {
  switch (error) {
    case ExtensionError::UnknownProfile:
      return "not an RFC 8285 extension profile";
    case ExtensionError::ElementRunsPastEnd:
      return "extension element runs past the block";
    case ExtensionError::IdDoesNotFitForm:
      return "mapped id does not fit the extension form";
  }
  return "unknown extension error";
}

std::optional<ExtensionForm> extension_form(std::uint16_t profile) {
  if (profile == kOneByteExtensionProfile) return ExtensionForm::OneByte;
  if ((profile & kTwoByteExtensionProfileMask) == kTwoByteExtensionProfile) {
    return ExtensionForm::TwoByte;
  }
  return std::nullopt;
}

HeaderExtensionReader::HeaderExtensionReader(const RawHeaderExtension& extension)
    : data_(extension.data), form_(extension_form(extension.profile)) {
  if (!form_) {
    error_ = ExtensionError::UnknownProfile;
    done_ = true;
  }
}

std::optional<ExtensionElement> HeaderExtensionReader::next() {
  if (done_) return std::nullopt;
  auto element = *form_ == ExtensionForm::OneByte ? next_one_byte() : next_two_byte();
  if (!element) done_ = true;
  return element;
}

std::optional<ExtensionElement> HeaderExtensionReader::next_one_byte() {
  // Id 0 is padding whatever its length bits say (libwebrtc reads it so too): one byte each.
  while (offset_ < data_.size() && (data_[offset_] >> 4) == 0) ++offset_;
  if (offset_ >= data_.size()) return std::nullopt;
  const std::size_t start = offset_;
  const std::uint8_t id = data_[start] >> 4;
  if (id == kOneByteStopId) return std::nullopt;
  const std::size_t length = std::size_t{data_[start] & 0x0fu} + 1;
  if (data_.size() - start - 1 < length) {
    error_ = ExtensionError::ElementRunsPastEnd;
    return std::nullopt;
  }
  offset_ = start + 1 + length;
  return ExtensionElement{id, data_.subspan(start + 1, length), start};
}

std::optional<ExtensionElement> HeaderExtensionReader::next_two_byte() {
  while (offset_ < data_.size() && data_[offset_] == 0) ++offset_;
  if (offset_ >= data_.size()) return std::nullopt;
  const std::size_t start = offset_;
  if (data_.size() - start < 2) {
    error_ = ExtensionError::ElementRunsPastEnd;
    return std::nullopt;
  }
  const std::uint8_t id = data_[start];
  const std::size_t length = data_[start + 1];
  if (data_.size() - start - 2 < length) {
    error_ = ExtensionError::ElementRunsPastEnd;
    return std::nullopt;
  }
  offset_ = start + 2 + length;
  return ExtensionElement{id, data_.subspan(start + 2, length), start};
}

std::optional<std::span<const std::uint8_t>> find_extension(const RtpPacketView& packet,
                                                            std::uint8_t id) {
  if (!packet.header_extension || id == 0) return std::nullopt;
  HeaderExtensionReader reader(*packet.header_extension);
  while (const auto element = reader.next()) {
    if (element->id == id) return element->data;
  }
  return std::nullopt;
}

namespace {

std::size_t element_header_size(ExtensionForm form) {
  return form == ExtensionForm::OneByte ? 1 : 2;
}

bool id_fits(ExtensionForm form, std::uint8_t id) {
  return form == ExtensionForm::TwoByte || id <= kOneByteMaxId;
}

void write_id(std::span<std::uint8_t> element, ExtensionForm form, std::uint8_t id) {
  if (form == ExtensionForm::TwoByte) {
    element[0] = id;
  } else {
    element[0] = static_cast<std::uint8_t>((id << 4) | (element[0] & 0x0f));
  }
}

}  // namespace

std::optional<ExtensionError> remap_extension_ids(std::span<std::uint8_t> packet,
                                                  const ExtensionIdMap& map) {
  const auto parsed = parse_rtp_packet(packet);
  if (!parsed || !parsed->header_extension) return std::nullopt;
  const RawHeaderExtension& extension = *parsed->header_extension;
  const auto form = extension_form(extension.profile);
  if (!form) return ExtensionError::UnknownProfile;

  // First pass: validate, so a failure leaves the packet as it was.
  {
    HeaderExtensionReader reader(extension);
    while (const auto element = reader.next()) {
      if (!id_fits(*form, map[element->id])) return ExtensionError::IdDoesNotFitForm;
    }
    if (reader.error()) return reader.error();
  }

  const std::size_t block_start = static_cast<std::size_t>(extension.data.data() - packet.data());
  auto block = packet.subspan(block_start, extension.data.size());
  HeaderExtensionReader reader(extension);
  while (const auto element = reader.next()) {
    const std::uint8_t new_id = map[element->id];
    auto whole = block.subspan(element->offset, element_header_size(*form) + element->data.size());
    if (new_id == 0) {
      // Zero bytes are padding in both forms, so an unknown element simply disappears.
      std::fill(whole.begin(), whole.end(), std::uint8_t{0});
    } else {
      write_id(whole, *form, new_id);
    }
  }
  return std::nullopt;
}

}  // namespace webvox::rtc::rtp
