#include "core/suppression.h"

#include <re2/re2.h>

#include <functional>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "core/registry.h"
#include "core/suggest.h"

namespace catalog_lint {

std::vector<Suppression> parse_suppressions(const SourceText& src, std::size_t max_names,
                                            std::optional<SourcePos>* cut) {
  static const RE2 directive(R"((?:^|\s)#\s*catalog-lint-disable-([a-z-]*)(.*)$)");
  static const RE2 rule_list(R"(\s*([A-Za-z0-9_-]+)\s*,?)");
  std::vector<Suppression> out;
  std::size_t names = 0;  // directives without a rule and rule names read
  const std::string& bytes = src.bytes();
  if (bytes.find("catalog-lint-disable-") == std::string::npos) return out;  // fast path
  for (int l = 1; l <= src.line_count(); ++l) {
    const std::string_view text = src.line(l);
    if (text.find("catalog-lint-disable-") == std::string_view::npos) continue;
    re2::StringPiece verb, rest;  // views into `text`
    if (!RE2::PartialMatch(text, directive, &verb, &rest)) continue;
    Suppression s;
    const std::size_t hash = text.rfind('#', text.find("catalog-lint-disable-"));
    s.pos = src.pos_at(l - 1, static_cast<int>(hash == std::string_view::npos ? 0 : hash));
    if (names >= max_names) {
      if (cut) *cut = s.pos;
      break;
    }
    s.line_text = std::make_shared<const std::string>(text);
    s.whole_file = verb == "file";
    s.target_line = l + 1;
    if (verb != "file" && verb != "next-line") {
      ++names;
      out.push_back(std::move(s));  // malformed: no rules
      continue;
    }
    re2::StringPiece list = rest;
    if (const std::size_t dashes = rest.find(" --"); dashes != re2::StringPiece::npos) {
      list = rest.substr(0, dashes);
      const std::string_view reason(rest.data() + dashes + 3, rest.size() - dashes - 3);
      const std::size_t b = reason.find_first_not_of(" \t");
      const std::size_t e = reason.find_last_not_of(" \t\r");
      s.reason = b == std::string::npos ? "" : std::string(reason.substr(b, e - b + 1));
    }
    re2::StringPiece in(list);
    re2::StringPiece rule;
    while (names < max_names && RE2::Consume(&in, rule_list, &rule)) {
      s.rules.emplace_back(rule.data(), rule.size());
      const int column = static_cast<int>(rule.data() - text.data());
      s.rule_pos.push_back(src.pos_at(l - 1, column));
      ++names;
    }
    names += s.rules.empty();  // reported as malformed
    s.used.assign(s.rules.size(), false);
    const bool more = names >= max_names && RE2::Consume(&in, rule_list, &rule);
    if (more && cut) *cut = s.pos;  // this directive names more rules than are read
    out.push_back(std::move(s));
    if (more) break;
  }
  return out;
}

namespace {

// Directives by the (line, rule) they cover; line 0 stands for the whole file.
struct Key {
  int line;
  std::string_view rule;
  bool operator==(const Key&) const = default;
};
struct KeyHash {
  std::size_t operator()(const Key& k) const {
    return std::hash<std::string_view>()(k.rule) * 31 + std::hash<int>()(k.line);
  }
};
struct Entry {
  std::size_t directive, rule;  // indices into directives and its rules
};
// The directives naming one (line, rule), in directive order; `used` once they are all marked.
struct Entries {
  std::vector<Entry> list;
  bool used = false;
};

// A rule whose findings make Backstage reject the document (category backstage or yaml, error
// by default): a comment cannot change that, so it cannot silence them (issue 13).
bool backstage_rejects(const RuleInfo* info) {
  return info != nullptr && (info->category == "backstage" || info->category == "yaml") &&
         info->default_severity == Severity::error;
}

// One file: marks the diagnostics at `mine` (indices into `diagnostics`), then reports on its
// directives, appending to `diagnostics` (and their indices to `mine`).
void apply_one(const std::string& file, std::vector<Suppression>& directives,
               std::vector<Diagnostic>& diagnostics, std::vector<std::size_t>& mine) {
  const Registry& registry = Registry::instance();
  std::unordered_map<Key, Entries, KeyHash> index;
  for (std::size_t k = 0; k < directives.size(); ++k) {
    const Suppression& s = directives[k];
    for (std::size_t i = 0; i < s.rules.size(); ++i)
      if (!backstage_rejects(registry.find(s.rules[i])))  // those stay reported
        index[Key{s.whole_file ? 0 : s.target_line, s.rules[i]}].list.push_back(Entry{k, i});
  }
  auto find = [&](int line, std::string_view rule) -> Entries* {
    const auto it = index.find(Key{line, rule});
    return it == index.end() ? nullptr : &it->second;
  };
  if (!index.empty()) {
    for (const std::size_t at : mine) {
      Diagnostic& d = diagnostics[at];
      if (d.suppressed) continue;
      // A file that was not (fully) linted cannot be made to look clean (invalid-config,
      // limit-exceeded, ...: registry front matter `always_reported`).
      if (const RuleInfo* info = registry.find(d.rule); info && info->always_reported) continue;
      Entries* on_line = d.start.line > 0 ? find(d.start.line, d.rule) : nullptr;  // 0: file
      Entries* whole = find(0, d.rule);
      if (on_line == nullptr && whole == nullptr) continue;
      // Every matching rule entry counts as used (each list is marked once, so that many
      // findings under many directives stay linear); the reason is the first directive's.
      std::size_t first = directives.size();
      for (Entries* e : {on_line, whole}) {
        if (e == nullptr) continue;
        first = std::min(first, e->list.front().directive);
        if (e->used) continue;
        for (const Entry& x : e->list) directives[x.directive].used[x.rule] = true;
        e->used = true;
      }
      d.suppressed = true;
      d.suppression_kind = "inSource";
      d.suppression_reason = directives[first].reason;
    }
  }
  // At the `#`, or at the name of rule `i` of the directive.
  auto report = [&](RuleId rule, const Suppression& s, std::string message, std::string help,
                    std::size_t i = std::string::npos) {
    Diagnostic d = new_diagnostic(rule);
    d.message = std::move(message);
    d.help = std::move(help);
    d.file = file;
    d.start = s.pos;
    // Only the start moves: the fingerprint stays what baselines recorded (an end would add
    // the rule name's text to it).
    if (i < s.rule_pos.size()) d.start = s.rule_pos[i];
    d.document = -1;
    d.source_line = s.line_text;
    mine.push_back(diagnostics.size());
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
      const RuleInfo* info = registry.find(s.rules[i]);
      if (info == nullptr) {
        report(RuleId::invalid_suppression, s,
               fmt::format("suppression names unknown rule '{}'", s.rules[i]),
               fmt::format("{}`catalog-lint rules` lists the rule ids",
                           did_you_mean(s.rules[i], registry.ids())),
               i);
      } else if (info->always_reported) {
        report(RuleId::invalid_suppression, s,
               fmt::format("'{}' is always reported and cannot be suppressed", s.rules[i]),
               "fix what it reports (the file is not fully linted until then)", i);
      } else if (backstage_rejects(info)) {
        report(RuleId::invalid_suppression, s,
               fmt::format("'{}' cannot be suppressed: Backstage rejects the document whatever "
                           "this comment says",
                           s.rules[i]),
               "fix the finding; if your Backstage accepts it (custom validators), turn the "
               "rule off in .catalog-lint.yaml; to adopt known faults, record a baseline "
               "(--write-baseline FILE)",
               i);
      } else if (!s.used[i]) {
        report(RuleId::unused_suppression, s,
               fmt::format("suppression of '{}' matches no finding{}", s.rules[i],
                           s.whole_file ? " in this file" : " on the next line"),
               "remove it, or move it to the line before the finding", i);
      }
    }
  }
}

}  // namespace

void apply_suppressions(const std::vector<FileSuppressions>& files,
                        std::vector<Diagnostic>& diagnostics) {
  std::unordered_map<std::string, std::vector<std::size_t>> by_file;
  for (const FileSuppressions& f : files) by_file.emplace(f.file, std::vector<std::size_t>());
  for (std::size_t i = 0; i < diagnostics.size(); ++i)
    if (const auto it = by_file.find(diagnostics[i].file); it != by_file.end())
      it->second.push_back(i);
  for (const FileSuppressions& f : files)
    apply_one(f.file, *f.directives, diagnostics, by_file[f.file]);
}

void apply_suppressions(const std::string& file, std::vector<Suppression>& directives,
                        std::vector<Diagnostic>& diagnostics) {
  apply_suppressions({FileSuppressions{file, &directives}}, diagnostics);
}

}  // namespace catalog_lint
