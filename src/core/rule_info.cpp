#include "core/rule_info.h"

#include <stdexcept>

#include <fmt/format.h>

#include "core/loader.h"

namespace catalog_lint {

RuleInfo parse_rule_doc(std::string_view text) {
  if (text.substr(0, 4) != "---\n") throw std::runtime_error("rule doc must start with ---");
  const std::size_t end = text.find("\n---\n", 3);
  if (end == std::string_view::npos) throw std::runtime_error("rule doc front matter not closed");
  const LoadedFile front = load_yaml(std::string(text.substr(4, end - 4 + 1)), Limits{});
  if (!front.diagnostics.empty())
    throw std::runtime_error(fmt::format("rule doc front matter is not valid YAML: line {}: {}",
                                         front.diagnostics[0].start.line,
                                         front.diagnostics[0].message));
  const Node* root = front.documents.empty() ? nullptr : front.documents[0].root;
  if (root == nullptr || !root->is_map())
    throw std::runtime_error("rule doc front matter must be a mapping");
  RuleInfo info;
  bool have_severity = false;
  auto text_of = [](const Node* v, std::string_view key) {
    if (!v->is_scalar() || v->type == NodeType::null)
      throw std::runtime_error(fmt::format("front matter key '{}' needs a value", key));
    return v->text;
  };
  auto flag = [](const Node* v, std::string_view key) {
    if (v->type != NodeType::boolean)
      throw std::runtime_error(fmt::format("front matter key '{}' must be true or false", key));
    return v->text == "true";
  };
  for (const auto& [k, v] : root->entries) {
    const std::string_view key = k->text;
    if (key == "id") {
      info.id = text_of(v, key);
    } else if (key == "summary") {
      info.summary = text_of(v, key);
    } else if (key == "category") {
      info.category = text_of(v, key);
    } else if (key == "severity") {
      const auto s = parse_severity(text_of(v, key));
      if (!s || *s == Severity::off) throw std::runtime_error("bad severity: " + v->text);
      info.default_severity = *s;
      have_severity = true;
    } else if (key == "recommended") {
      info.recommended = flag(v, key);
    } else if (key == "always_reported") {
      info.always_reported = flag(v, key);
    } else if (key == "source") {
      info.source = text_of(v, key);
    } else if (key == "options") {
      try {
        info.options = parse_option_specs(v);
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(fmt::format("front matter key 'options': {}", e.what()));
      }
    } else {
      throw std::runtime_error("unknown front matter key: " + std::string(key));
    }
  }
  if (info.id.empty() || info.summary.empty() || info.category.empty() || !have_severity)
    throw std::runtime_error("rule doc needs id, summary, category and severity: " + info.id);
  info.doc = std::string(text.substr(end + 5));
  return info;
}

}  // namespace catalog_lint
