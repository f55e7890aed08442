// SARIF 2.1.0 reporter (OASIS SARIF 2.1.0; what GitHub code scanning reads:
// shared/sarif/GITHUB.md).
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "core/fingerprint.h"
#include "core/process.h"
#include "core/source.h"
#include "core/version.h"
#include "report/report.h"

namespace catalog_lint {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// §3.27.10 / §3.50.3 level values.
std::string sarif_level(Severity s) {
  return s == Severity::off ? "none" : std::string(to_string(s));
}

// "invalid-tag" → "InvalidTag" (reportingDescriptor.name, §3.49.7).
std::string pascal_case(std::string_view id) {
  std::string out;
  bool upper = true;
  for (const char c : id) {
    if (c == '-' || c == '_') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

// A message sentence (§3.11.5 / SARIF2001): capital first letter, ends with a period.
std::string sentence(std::string_view s) {
  std::string out(s);
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  if (out.empty()) return out;
  if (out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  const char last = out.back();
  if (last != '.' && last != '!' && last != '?') out += '.';
  return out;
}

// The markdown sections of a rule doc: "## Title" → body (trimmed).
std::map<std::string, std::string, std::less<>> doc_sections(std::string_view doc) {
  std::map<std::string, std::string, std::less<>> out;
  std::string title, body;
  auto flush = [&] {
    while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
    std::size_t b = body.find_first_not_of('\n');
    if (!title.empty()) out[title] = b == std::string::npos ? "" : body.substr(b);
    body.clear();
  };
  std::size_t pos = 0;
  bool in_fence = false;
  while (pos <= doc.size()) {
    std::size_t nl = doc.find('\n', pos);
    if (nl == std::string_view::npos) nl = doc.size();
    const std::string_view line = doc.substr(pos, nl - pos);
    if (line.substr(0, 3) == "```") in_fence = !in_fence;
    if (!in_fence && line.substr(0, 3) == "## ") {
      flush();
      title = std::string(line.substr(3));
    } else {
      body.append(line);
      body += '\n';
    }
    pos = nl + 1;
  }
  flush();
  return out;
}

// Markdown → readable plain text for help.text: code fences dropped (their content indented),
// inline backticks kept (they read fine).
std::string plain_text(std::string_view md) {
  std::string out;
  std::size_t pos = 0;
  bool in_fence = false;
  while (pos <= md.size()) {
    std::size_t nl = md.find('\n', pos);
    if (nl == std::string_view::npos) nl = md.size();
    const std::string_view line = md.substr(pos, nl - pos);
    if (line.substr(0, 3) == "```") {
      in_fence = !in_fence;
    } else {
      if (in_fence) out += "    ";
      out.append(line);
      out += '\n';
    }
    pos = nl + 1;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// §3.11.5: literal braces in a message string are doubled (a single "{0}" is a placeholder).
std::string escape_braces(std::string_view s) {
  std::string out;
  for (const char c : s) {
    out += c;
    if (c == '{' || c == '}') out += c;
  }
  return out;
}

// §3.11.6: backslash and square brackets in the link text of an embedded link are escaped.
std::string escape_link_text(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '\\' || c == '[' || c == ']') out += '\\';
    out += c;
  }
  return out;
}

std::string truncate_utf8(std::string s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t cut = max_bytes - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s + "...";
}

// One reportingDescriptor (§3.49) from the rule's front matter and markdown body.
json rule_descriptor(const RuleInfo& r) {
  const auto sections = doc_sections(r.doc);
  auto section = [&](std::string_view name) -> std::string {
    const auto it = sections.find(name);
    return it == sections.end() ? std::string() : it->second;
  };
  const std::string what = section("What it does");
  const std::string why = section("Why");
  const std::string bad = section("Bad example");
  const std::string good = section("Good example");
  const std::string summary = sentence(r.summary);

  std::string md = fmt::format("**{}** ({}): {}\n", r.id, r.category, summary);
  if (!what.empty()) md += fmt::format("\n## What it does\n\n{}\n", what);
  if (!why.empty()) md += fmt::format("\n## Why\n\n{}\n", why);
  if (!bad.empty()) md += fmt::format("\n## Bad example\n\n{}\n", bad);
  if (!good.empty()) md += fmt::format("\n## Good example (how to fix)\n\n{}\n", good);
  if (!r.source.empty()) md += fmt::format("\nSource: {}\n", r.source);
  md += fmt::format("\nRun `catalog-lint explain {}` for the full documentation.\n", r.id);

  std::string text = fmt::format("{} ({}): {}\n", r.id, r.category, summary);
  if (!what.empty()) text += fmt::format("\nWhat it does:\n{}\n", plain_text(what));
  if (!why.empty()) text += fmt::format("\nWhy:\n{}\n", plain_text(why));
  if (!bad.empty()) text += fmt::format("\nBad example:\n{}\n", plain_text(bad));
  if (!good.empty()) text += fmt::format("\nGood example (how to fix):\n{}\n", plain_text(good));
  if (!r.source.empty()) text += fmt::format("\nSource: {}\n", r.source);
  text += fmt::format("\nRun `catalog-lint explain {}` for the full documentation.", r.id);

  std::string problem = r.default_severity == Severity::error     ? "error"
                        : r.default_severity == Severity::warning ? "warning"
                                                                  : "recommendation";
  return json{
      {"id", r.id},
      {"name", pascal_case(r.id)},
      {"shortDescription", {{"text", truncate_utf8(summary, 1024)}}},
      {"fullDescription",
       {{"text", truncate_utf8(what.empty() ? summary : plain_text(what), 1024)}}},
      {"help", {{"text", text}, {"markdown", md}}},
      {"defaultConfiguration", {{"level", sarif_level(r.default_severity)}}},
      {"properties", {{"tags", json::array({r.category})}, {"problem.severity", problem}}},
  };
}

// Whole-file input failures become toolExecutionNotifications (§3.20.21): the file was not
// analysed at all.
bool is_input_failure(const Diagnostic& d) {
  if (d.rule == rule_name(RuleId::unreadable_file)) return true;
  return (d.rule == rule_name(RuleId::unsupported_encoding) ||
          d.rule == rule_name(RuleId::limit_exceeded)) &&
         (d.document < 0 || d.entity.empty());
}

// A region (§3.30) with 1-based lines and UTF-16 columns; never 0.
// UTF-16 length of each source line quoted by a result, counted once per line however many
// results it has (lines are shared among a file's findings: Diagnostic::source_line).
class LineWidths {
 public:
  int utf16(const std::string* line) {
    if (line == nullptr) return 0;
    if (line == last_) return last_units_;
    auto it = widths_.find(line);
    if (it == widths_.end()) {
      int cps = 0, units = 0;
      count_columns(*line, cps, units);
      it = widths_.emplace(line, units).first;
    }
    last_ = line, last_units_ = it->second;
    return it->second;
  }

 private:
  std::unordered_map<const std::string*, int> widths_;
  const std::string* last_ = nullptr;
  int last_units_ = 0;
};

json region_of(const SourcePos& start, const SourcePos& end, const std::string* source_line,
               bool with_end, LineWidths& widths) {
  const int line = std::max(start.line, 1);
  const int col = std::max(start.column_utf16, 1);
  json r = {{"startLine", line}, {"startColumn", col}};
  if (!with_end) return r;
  if (end.valid() && end.line == line && end.column_utf16 > col) {
    r["endLine"] = end.line;
    r["endColumn"] = end.column_utf16;
  } else if (end.valid() && end.line > line) {
    r["endLine"] = end.line;
    r["endColumn"] = std::max(end.column_utf16, 1);
  } else {
    // Unknown end: the end of the line, which is SARIF's default for endColumn (§3.30.8), made
    // explicit because GitHub wants all four fields. An empty line gives an empty region.
    r["endLine"] = line;
    r["endColumn"] = std::max(widths.utf16(source_line) + 1, col);
  }
  return r;
}

json artifact_location(const ArtifactUri& a) {
  json j = {{"uri", a.uri}};
  if (a.relative) j["uriBaseId"] = "%SRCROOT%";
  return j;
}

}  // namespace

void report_sarif(std::ostream& out, const LintResult& result, const SarifOptions& options) {
  const Registry& registry = Registry::instance();
  const RuleConfig defaults = registry.defaults();
  const RuleConfig& config = options.config ? *options.config : defaults;
  const std::string root = options.root.empty() ? find_repo_root() : options.root;

  // tool.driver.rules: enabled rules and rules with results, in id order (§3.19.23).
  std::set<std::string_view> with_results;
  for (const Diagnostic& d : result.diagnostics) with_results.insert(d.rule);
  json rules = json::array();
  std::map<std::string, int, std::less<>> rule_index;
  std::vector<const RuleInfo*> all;
  for (const Rule& rule : registry.rules())
    if (config.enabled(rule.id) || with_results.count(rule.info.id)) all.push_back(&rule.info);
  for (const RuleInfo& r : options.extra_rules)
    if (with_results.count(r.id) && registry.find(r.id) == nullptr) all.push_back(&r);
  std::sort(all.begin(), all.end(),
            [](const RuleInfo* a, const RuleInfo* b) { return a->id < b->id; });
  for (const RuleInfo* r : all) {
    if (rule_index.count(r->id)) continue;
    rule_index[r->id] = static_cast<int>(rules.size());
    rules.push_back(rule_descriptor(*r));
  }

  std::map<std::string, ArtifactUri, std::less<>> uris;
  auto uri_of = [&](const std::string& file) -> const ArtifactUri& {
    auto it = uris.find(file);
    if (it == uris.end()) it = uris.emplace(file, artifact_uri(file, root)).first;
    return it->second;
  };

  json results = json::array();
  json notifications = json::array();
  FingerprintCounter fingerprints;
  LineWidths widths;
  for (const Diagnostic& d : result.diagnostics) {
    const ArtifactUri& a = uri_of(d.file);
    json res;
    res["ruleId"] = d.rule;
    if (const auto it = rule_index.find(d.rule); it != rule_index.end())
      res["ruleIndex"] = it->second;
    res["level"] = sarif_level(d.severity);
    std::string text = escape_braces(sentence(d.message));
    if (!d.help.empty()) text += fmt::format(" {}", escape_braces(sentence(d.help)));
    json location = {{"physicalLocation",
                      {{"artifactLocation", artifact_location(a)},
                       {"region", region_of(d.start, d.end, d.source_line.get(), true, widths)}}}};
    if (!d.entity.empty() || !d.path.empty()) {
      // §3.33: one logical location, the field (JSON pointer) inside the entity.
      json logical;
      if (d.path.empty()) {
        logical = {{"name", d.entity}, {"fullyQualifiedName", d.entity}, {"kind", "object"}};
      } else {
        logical = {{"name", d.path},
                   {"fullyQualifiedName", d.entity.empty() ? d.path : d.entity + "#" + d.path},
                   {"kind", "property"}};
      }
      json props = json::object();
      if (!d.entity.empty()) props["entityRef"] = d.entity;
      if (!d.path.empty()) props["jsonPointer"] = d.path;
      if (d.document >= 0) props["document"] = d.document;
      logical["properties"] = std::move(props);
      location["logicalLocations"] = json::array({std::move(logical)});
    }
    res["locations"] = json::array({std::move(location)});
    if (!d.notes.empty()) {
      json related = json::array();
      int id = 1;
      for (const RelatedNote& n : d.notes) {
        json phys = {
            {"artifactLocation", artifact_location(uri_of(n.file.empty() ? d.file : n.file))}};
        if (n.pos.valid()) phys["region"] = region_of(n.pos, SourcePos{}, nullptr, false, widths);
        // §3.11.6 embedded link: GitHub links "[text](id)" to relatedLocations[id].
        text += fmt::format(" See [{}]({}).", escape_braces(escape_link_text(n.message)), id);
        related.push_back({{"id", id},
                           {"physicalLocation", std::move(phys)},
                           {"message", {{"text", escape_braces(n.message)}}}});
        ++id;
      }
      res["relatedLocations"] = std::move(related);
    }
    res["message"] = {{"text", text}};
    if (d.fix && !d.fix->edits.empty()) {
      // §3.55 fix, §3.56 artifactChange, §3.57 replacement: byte ranges of the file as read.
      json replacements = json::array();
      for (const TextEdit& e : d.fix->edits) {
        json r = {{"deletedRegion", {{"byteOffset", e.begin}, {"byteLength", e.end - e.begin}}}};
        if (!e.text.empty()) r["insertedContent"] = {{"text", e.text}};
        replacements.push_back(std::move(r));
      }
      res["fixes"] = json::array(
          {{{"description", {{"text", escape_braces(d.fix->description)}}},
            {"artifactChanges", json::array({{{"artifactLocation", artifact_location(a)},
                                              {"replacements", std::move(replacements)}}})},
            {"properties", {{"safety", d.fix->safety == FixSafety::safe ? "safe" : "unsafe"}}}}});
    }
    res["partialFingerprints"] = {{std::string(kFingerprintKey), fingerprints.next(d, a.uri)}};
    if (d.suppressed) {
      // §3.35: a suppressed result stays in the log, so code scanning shows it as dismissed.
      json suppression = {{"kind", d.suppression_kind.empty() ? "inSource" : d.suppression_kind},
                          {"status", "accepted"}};
      if (!d.suppression_reason.empty()) suppression["justification"] = d.suppression_reason;
      res["suppressions"] = json::array({std::move(suppression)});
    }
    results.push_back(std::move(res));

    if (is_input_failure(d)) {
      // §3.58 notification: the file could not be analysed.
      json n = {
          {"level", "error"},
          {"message",
           {{"text", escape_braces(fmt::format("{}: {}", a.path, sentence(d.message)))}}},
          {"descriptor", {{"id", d.rule}}},
          {"locations",
           json::array({{{"physicalLocation", {{"artifactLocation", artifact_location(a)}}}}})}};
      if (const auto it = rule_index.find(d.rule); it != rule_index.end())
        n["associatedRule"] = {{"id", d.rule}, {"index", it->second}};
      notifications.push_back(std::move(n));
    }
  }
  for (const auto& [path, reason] : options.path_errors) {
    notifications.push_back(
        {{"level", "error"},
         {"message", {{"text", escape_braces(fmt::format("{}: {}.", path, reason))}}},
         {"locations",
          json::array(
              {{{"physicalLocation", {{"artifactLocation", artifact_location(uri_of(path))}}}}})}});
  }

  json invocation = {{"executionSuccessful", !result.io_error && options.path_errors.empty()}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);

  json driver = {{"name", "catalog-lint"},
                 {"fullName", fmt::format("catalog-lint {}", kVersion)},
                 {"version", std::string(kVersion)},
                 {"semanticVersion", std::string(kVersion)},
                 {"informationUri", options.information_uri},
                 {"rules", std::move(rules)}};
  json run = {{"tool", {{"driver", std::move(driver)}}},
              {"invocations", json::array({std::move(invocation)})},
              {"originalUriBaseIds",
               {{"%SRCROOT%",
                 {{"description", {{"text", "The root of the repository that was linted."}}}}}}},
              {"columnKind", "utf16CodeUnits"},
              {"results", std::move(results)}};
  if (!options.category.empty()) run["automationDetails"] = {{"id", options.category}};
  json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({std::move(run)})}};
  // Serialized straight into `out` (what json::dump does into a string, which for 100k results
  // would be a second copy of the whole log).
  nlohmann::detail::serializer<json> writer(nlohmann::detail::output_adapter<char>(out), ' ',
                                            json::error_handler_t::replace);
  writer.dump(log, true, false, 2);
  out << '\n';
}

}  // namespace catalog_lint
