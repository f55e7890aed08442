#include <nlohmann/json.hpp>

#include "report/report.h"

namespace catalog_lint {

void report_json(std::ostream& out, const LintResult& result,
                 const std::vector<std::pair<std::string, std::string>>& path_errors) {
  using json = nlohmann::ordered_json;
  json diagnostics = json::array();
  for (const Diagnostic& d : result.diagnostics) {
    if (d.suppressed) continue;
    json j;
    j["file"] = d.file;
    j["line"] = d.start.line;
    j["column"] = d.start.column;
    j["end_line"] = d.end.valid() ? json(d.end.line) : json(nullptr);
    j["end_column"] = d.end.valid() ? json(d.end.column) : json(nullptr);
    j["severity"] = std::string(to_string(d.severity));
    j["rule"] = d.rule;
    j["category"] = d.category;
    j["message"] = d.message;
    j["help"] = d.help.empty() ? json(nullptr) : json(d.help);
    j["document"] = d.document >= 0 ? json(d.document) : json(nullptr);
    j["entity"] = d.entity.empty() ? json(nullptr) : json(d.entity);
    j["path"] = d.path.empty() ? json(nullptr) : json(d.path);
    if (!d.notes.empty()) {
      json notes = json::array();
      for (const RelatedNote& n : d.notes)
        notes.push_back({{"message", n.message},
                         {"file", n.file},
                         {"line", n.pos.line},
                         {"column", n.pos.column}});
      j["notes"] = std::move(notes);
    }
    if (d.fix) {
      // docs/fixes.md: byte ranges [begin, end) of the file as read, and their replacement.
      json edits = json::array();
      for (const TextEdit& e : d.fix->edits)
        edits.push_back({{"begin", e.begin}, {"end", e.end}, {"text", e.text}});
      j["fix"] = {{"description", d.fix->description},
                  {"safety", d.fix->safety == FixSafety::safe ? "safe" : "unsafe"},
                  {"edits", std::move(edits)}};
    }
    diagnostics.push_back(std::move(j));
  }
  const Summary s = summarize(result);
  json doc = {{"version", 1},
              {"diagnostics", std::move(diagnostics)},
              {"summary",
               {{"errors", s.errors},
                {"warnings", s.warnings},
                {"notes", s.notes},
                {"files", s.files},
                {"files_with_findings", s.files_with_findings},
                {"in_files_not_linted", s.elsewhere},
                {"suppressed", s.suppressed}}}};
  if (!path_errors.empty()) {
    json errors = json::array();
    for (const auto& [path, reason] : path_errors)
      errors.push_back({{"path", path}, {"message", reason}});
    doc["path_errors"] = std::move(errors);
  }
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace catalog_lint
