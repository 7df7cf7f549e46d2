#include "support/module_reader.hpp"

#include <vector>

namespace webvox::test_support {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  while (true) {
    const auto dot = path.find('.');
    parts.emplace_back(path.substr(0, dot));
    if (dot == std::string_view::npos) return parts;
    path.remove_prefix(dot + 1);
  }
}

std::string inner_text(const pugi::xml_node& node) {
  std::string text;
  for (const auto& descendant : node.select_nodes(".//text()")) {
    text += descendant.node().value();
  }
  return text;
}

// Mirrors XmlFind's recursion: `nth` is shared by the whole walk.
bool find_in(const pugi::xml_node& node, const std::vector<std::string>& path, std::size_t index,
             int& nth, std::string& result) {
  if (node.name() != path[index]) return false;
  if (index + 1 == path.size()) {
    if (nth == 0) {
      result = inner_text(node);
      return true;
    }
    --nth;
    return false;
  }
  for (const auto& child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    if (find_in(child, path, index + 1, nth, result)) return true;
  }
  return false;
}

}  // namespace

ModuleReader::ModuleReader(std::string_view xml) {
  parsed_ = static_cast<bool>(doc_.load_buffer(xml.data(), xml.size()));
}

std::optional<std::string> ModuleReader::find(std::string_view path, int nth) const {
  if (!parsed_) return std::nullopt;
  std::string result;
  if (find_in(doc_.document_element(), split_path(path), 0, nth, result)) return result;
  return std::nullopt;
}

int ModuleReader::count_leaves(std::string_view path) const {
  int count = 0;
  while (find(path, count)) ++count;
  return count;
}

}  // namespace webvox::test_support
