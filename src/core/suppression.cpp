#include "core/suppression.h"

#include <re2/re2.h>

#include <fmt/format.h>

#include "core/registry.h"

namespace catalog_lint {

std::vector<Suppression> parse_suppressions(const SourceText& src) {
  static const RE2 directive(R"((?:^|\s)#\s*catalog-lint-disable-([a-z-]*)(.*)$)");
  static const RE2 rule_list(R"(\s*([A-Za-z0-9_-]+)\s*,?)");
  std::vector<Suppression> out;
  const std::string& bytes = src.bytes();
  if (bytes.find("catalog-lint-disable-") == std::string::npos) return out;  // fast path
  for (int l = 1; l <= src.line_count(); ++l) {
    const std::string_view text = src.line(l);
    if (text.find("catalog-lint-disable-") == std::string_view::npos) continue;
    std::string verb, rest;
    if (!RE2::PartialMatch(text, directive, &verb, &rest)) continue;
    Suppression s;
    const std::size_t hash = text.rfind('#', text.find("catalog-lint-disable-"));
    s.pos = src.pos_at(l - 1, static_cast<int>(hash == std::string_view::npos ? 0 : hash));
    s.line_text = std::string(text);
    s.whole_file = verb == "file";
    s.target_line = l + 1;
    if (verb != "file" && verb != "next-line") {
      out.push_back(std::move(s));  // malformed: no rules
      continue;
    }
    std::string list = rest;
    if (const std::size_t dashes = rest.find(" --"); dashes != std::string::npos) {
      list = rest.substr(0, dashes);
      std::string reason = rest.substr(dashes + 3);
      const std::size_t b = reason.find_first_not_of(" \t");
      const std::size_t e = reason.find_last_not_of(" \t\r");
      s.reason = b == std::string::npos ? "" : reason.substr(b, e - b + 1);
    }
    re2::StringPiece in(list);
    std::string rule;
    while (RE2::Consume(&in, rule_list, &rule)) s.rules.push_back(rule);
    s.used.assign(s.rules.size(), false);
    out.push_back(std::move(s));
  }
  return out;
}

void apply_suppressions(const std::string& file, std::vector<Suppression>& directives,
                        std::vector<Diagnostic>& diagnostics) {
  for (Diagnostic& d : diagnostics) {
    if (d.file != file || d.suppressed) continue;
    for (Suppression& s : directives) {
      if (!s.whole_file && d.start.line != s.target_line) continue;
      for (std::size_t i = 0; i < s.rules.size(); ++i) {
        if (s.rules[i] != d.rule) continue;
        s.used[i] = true;
        if (!d.suppressed) {
          d.suppressed = true;
          d.suppression_kind = "inSource";
          d.suppression_reason = s.reason;
        }
      }
    }
  }
  const Registry& registry = Registry::instance();
  auto report = [&](RuleId rule, const Suppression& s, std::string message, std::string help) {
    Diagnostic d = new_diagnostic(rule);
    d.message = std::move(message);
    d.help = std::move(help);
    d.file = file;
    d.start = s.pos;
    d.document = -1;
    d.source_line = std::make_shared<const std::string>(s.line_text);
    diagnostics.push_back(std::move(d));
  };
  for (const Suppression& s : directives) {
    if (s.rules.empty()) {
      report(RuleId::invalid_suppression, s,
             "malformed suppression comment; expected catalog-lint-disable-next-line or "
             "catalog-lint-disable-file followed by rule ids",
             "write `# catalog-lint-disable-next-line RULE -- reason`");
      continue;
    }
    if (s.reason.empty())
      report(RuleId::invalid_suppression, s, "suppression comment gives no reason",
             "add ` -- <why this finding is acceptable>` after the rule ids");
    for (std::size_t i = 0; i < s.rules.size(); ++i) {
      if (registry.find(s.rules[i]) == nullptr) {
        report(RuleId::invalid_suppression, s,
               fmt::format("suppression names unknown rule '{}'", s.rules[i]),
               "`catalog-lint rules` lists the rule ids");
      } else if (!s.used[i]) {
        report(RuleId::unused_suppression, s,
               fmt::format("suppression of '{}' matches no finding{}", s.rules[i],
                           s.whole_file ? " in this file" : " on the next line"),
               "remove it, or move it to the line before the finding");
      }
    }
  }
}

}  // namespace catalog_lint
