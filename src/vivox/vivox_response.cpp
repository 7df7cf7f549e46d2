#include "vivox/vivox_response.hpp"

#include <pugixml.hpp>

#include "core/channel_uri.hpp"
#include "vivox/xml_text.hpp"

namespace webvox::vivox {
namespace {

struct StringWriter final : pugi::xml_writer {
  std::string out;
  void write(const void* data, size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};

class Document {
 public:
  Document() {
    auto declaration = doc_.append_child(pugi::node_declaration);
    declaration.append_attribute("version") = "1.0";
    declaration.append_attribute("encoding") = "UTF-8";
    level0_ = doc_.append_child("response").append_child("level0");
  }

  pugi::xml_node level0() { return level0_; }

  std::string str() const {
    StringWriter writer;
    doc_.save(writer, "", pugi::format_raw, pugi::encoding_utf8);
    return std::move(writer.out);
  }

 private:
  pugi::xml_document doc_;
  pugi::xml_node level0_;
};

void add_text(pugi::xml_node parent, const char* name, std::string_view value) {
  auto node = parent.append_child(name);
  const auto safe = xml_safe_text(value);
  node.append_child(pugi::node_pcdata).set_value(safe.c_str());
}

void add_fields(pugi::xml_node parent, std::initializer_list<Field> fields) {
  for (const auto& [name, value] : fields) add_text(parent, std::string(name).c_str(), value);
}

}  // namespace

std::string_view search_type_name(core::ChannelType type) {
  switch (type) {
    case core::ChannelType::Positional:
      return "positional_M";
    case core::ChannelType::NonPositional:
      return "channel";
    case core::ChannelType::Directory:
      return "dir";
  }
  return "channel";
}

std::string ok_response(std::initializer_list<Field> body_fields) {
  Document doc;
  add_text(doc.level0(), "status", "OK");
  add_fields(doc.level0().append_child("body"), body_fields);
  return doc.str();
}

std::string error_response(ErrorCode code, std::string_view message, std::string_view body_status) {
  Document doc;
  add_text(doc.level0(), "status", "ERR");
  auto body = doc.level0().append_child("body");
  if (!body_status.empty()) add_text(body, "status", body_status);
  add_text(body, "code", std::to_string(static_cast<int>(code)));
  add_text(body, "msg", message);
  return doc.str();
}

std::string throttled_sign_in_response(std::chrono::seconds retry_after) {
  Document doc;
  add_text(doc.level0(), "status", "ERR");
  auto body = doc.level0().append_child("body");
  const auto seconds = std::to_string(retry_after.count());
  add_text(body, "status", "Failed");
  add_text(body, "code", std::to_string(static_cast<int>(ErrorCode::TooManyAttempts)));
  add_text(body, "msg", "Too many failed sign-ins; try again in " + seconds + " s");
  add_text(body, "retry_after", seconds);
  return doc.str();
}

std::string sign_in_response(std::string_view auth_token) {
  return ok_response({{"status", "Ok"}, {"code", "200"}, {"auth_token", auth_token}});
}

std::string channel_search_response(const std::vector<core::Channel>& channels,
                                    std::string_view realm) {
  Document doc;
  add_text(doc.level0(), "status", "OK");
  auto search = doc.level0().append_child("channel-search");
  add_text(search, "count", std::to_string(channels.size()));
  auto list = search.append_child("channels").append_child("channels");
  for (const auto& channel : channels) {
    auto item = list.append_child("level4");
    add_text(item, "id", std::to_string(channel.id));
    add_text(item, "name", channel.name);
    add_text(item, "type", search_type_name(channel.properties.type));
    add_text(item, "parent", channel.parent ? std::to_string(*channel.parent) : std::string());
    add_text(item, "uri",
             channel.is_directory() ? std::string() : core::channel_uri(channel.id, realm));
  }
  return doc.str();
}

namespace {

constexpr std::pair<ErrorCode, std::string_view> kErrorNames[] = {
    {ErrorCode::ExpiredCredentials, "expired_credentials"},
    {ErrorCode::MissingCredentials, "missing_credentials"},
    {ErrorCode::NotAuthorized, "not_authorized"},
    {ErrorCode::MissingParameter, "missing_parameter"},
    {ErrorCode::InvalidParameter, "invalid_parameter"},
    {ErrorCode::AccountNotFound, "account_not_found"},
    {ErrorCode::NotFound, "not_found"},
    {ErrorCode::Conflict, "conflict"},
    {ErrorCode::TooManyAttempts, "too_many_attempts"},
    {ErrorCode::Internal, "internal"},
};

// The name of the code with this number; "error" for a number that is no ErrorCode (compared
// as numbers: casting an unknown one to the enum would be undefined).
std::string_view error_code_name(int number) {
  for (const auto& [code, name] : kErrorNames) {
    if (static_cast<int>(code) == number) return name;
  }
  return "error";
}

}  // namespace

std::string_view error_code_name(ErrorCode code) { return error_code_name(static_cast<int>(code)); }

std::string_view response_result(std::string_view response) {
  constexpr std::string_view kOk = "<level0><status>OK</status>";
  if (response.find(kOk) != std::string_view::npos) return "ok";
  constexpr std::string_view kCode = "<code>";
  const auto at = response.find(kCode);
  if (at == std::string_view::npos) return "error";
  int number = 0;
  std::size_t digits = 0;
  for (std::size_t i = at + kCode.size();
       i < response.size() && response[i] >= '0' && response[i] <= '9' && digits < 4;
       ++i, ++digits) {
    number = number * 10 + (response[i] - '0');
  }
  return digits == 0 ? "error" : error_code_name(number);
}

}  // namespace webvox::vivox
