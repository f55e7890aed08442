#include "core/baseline.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "core/fingerprint.h"
#include "core/registry.h"
#include "core/repo.h"
#include "core/source.h"
#include "core/stamp.h"

namespace catalog_lint {

namespace {
// A file as a baseline entry names it: its artifact path, as valid UTF-8 (JSON text), so that a
// name that is not (a byte 0xFF) compares equal to what was written and read back.
std::string entry_file(const std::string& file, const std::string& root) {
  return sanitize_utf8(artifact_uri(file, root).path);
}

// The fingerprints of `result`'s diagnostics, index-aligned with them (empty for suppressed
// ones, which are still counted so that numbering matches the SARIF output, and for findings of
// an always-reported rule — internal-error, invalid-config, unreadable-file —, which a baseline
// never records or hides: the run could not check something), and for informational notes (a
// rule's fixed-severity note such as "owners are not checked": recorded, it would hide the
// real finding at the same place once the org catalog is declared).
// `legacy`: the same for the v1 fingerprints (whole JSON pointer, no value) that baselines
// written before issue 13 hold, so that they still match.
std::vector<std::string> fingerprints(const LintResult& result, const std::string& root,
                                      std::vector<std::string>* uris = nullptr,
                                      std::vector<std::string>* legacy = nullptr) {
  FingerprintCounter counter, legacy_counter;
  std::vector<std::string> out;
  for (const Diagnostic& d : result.diagnostics) {
    // The same inputs and counting as SARIF's partialFingerprints (report/sarif.cpp).
    const ArtifactUri a = artifact_uri(d.file, root);
    if (uris) uris->push_back(sanitize_utf8(a.path));
    const std::string fp = counter.next(d, a.uri);
    const RuleInfo* info = Registry::instance().find(d.rule);
    const bool recorded =
        !d.suppressed && !(info && info->always_reported) && d.fixed_severity != Severity::note;
    out.push_back(recorded ? fp : "");
    if (legacy) {
      const std::string old = legacy_counter.next(d.rule, a.uri, d.entity, d.path);
      legacy->push_back(recorded ? old : "");
    }
  }
  return out;
}
}  // namespace

std::vector<BaselineEntry> entries_of_other_files(const Baseline& baseline,
                                                  const LintResult& result,
                                                  const std::string& root) {
  std::set<std::string> linted;
  for (const std::string& f : result.linted) linted.insert(entry_file(f, root));
  std::vector<BaselineEntry> out;
  for (const BaselineEntry& e : baseline.entries)
    if (!linted.count(e.file)) out.push_back(e);
  return out;
}

std::string baseline_json(const LintResult& result, const std::string& root,
                          const std::vector<BaselineEntry>& keep) {
  using json = nlohmann::ordered_json;
  std::vector<std::string> uris;
  const std::vector<std::string> fps = fingerprints(result, root, &uris);
  std::vector<json> findings;
  for (std::size_t i = 0; i < fps.size(); ++i) {
    if (fps[i].empty()) continue;
    const Diagnostic& d = result.diagnostics[i];
    findings.push_back(json{{"fingerprint", fps[i]},
                            {"rule", d.rule},
                            {"file", uris[i]},
                            {"entity", d.entity},
                            {"path", d.path},
                            {"message", d.message}});
  }
  for (const BaselineEntry& e : keep) {
    findings.push_back(json{{"fingerprint", e.fingerprint},
                            {"rule", e.rule},
                            {"file", e.file},
                            {"entity", e.entity},
                            {"path", e.path},
                            {"message", e.message}});
    if (e.scheme != 2) findings.back()["scheme"] = e.scheme;
  }
  std::sort(findings.begin(), findings.end(), [](const json& a, const json& b) {
    return std::tie(a["file"], a["rule"], a["fingerprint"]) <
           std::tie(b["file"], b["rule"], b["fingerprint"]);
  });
  json doc = {
      {"version", 1}, {"tool", "catalog-lint"}, {"fingerprints", 2}, {"findings", findings}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Baseline load_baseline(const std::string& path) {
  // A regular file of bounded size: a FIFO must not hang the run, nor /dev/zero exhaust memory.
  constexpr std::size_t kMaxBaselineBytes = 256u << 20;
  const FileBytes in = read_regular_file(path, kMaxBaselineBytes);
  if (!in.error.empty())
    throw std::runtime_error(fmt::format("cannot read baseline file {}: {}", path, in.error));
  if (in.too_big)
    throw std::runtime_error(fmt::format("baseline file {} is {} bytes, over the limit of {} bytes",
                                         path, in.size, kMaxBaselineBytes));
  Baseline b;
  b.path = path;
  try {
    const nlohmann::json doc = nlohmann::json::parse(in.bytes, nullptr, false);
    if (doc.is_discarded()) throw std::runtime_error("not JSON");
    const auto integer = [](const nlohmann::json& v) {
      return v.is_number_integer() || v.is_number_unsigned();
    };
    if (!doc.is_object() || !doc.contains("version") || !integer(doc["version"]) ||
        doc["version"] != 1 || !doc.contains("findings") || !doc["findings"].is_array())
      throw std::runtime_error("not a catalog-lint baseline (version 1)");
    if (doc.contains("fingerprints") && !integer(doc["fingerprints"]))
      throw std::runtime_error("`fingerprints` must be 1 or 2");
    const int scheme = doc.contains("fingerprints") ? doc.value("fingerprints", 0) : 1;
    if (scheme != 1 && scheme != 2) throw std::runtime_error("unknown fingerprints version");
    std::size_t n = 0;
    for (const auto& f : doc["findings"]) {
      ++n;  // said from 1, as an editor counts
      if (!f.is_object()) throw std::runtime_error(fmt::format("finding {} is not an object", n));
      if (f.contains("scheme") && !integer(f["scheme"]))
        throw std::runtime_error(fmt::format("finding {}: `scheme` must be 1 or 2", n));
      BaselineEntry e;
      e.scheme = f.contains("scheme") ? f.value("scheme", 0) : scheme;
      if (e.scheme != 1 && e.scheme != 2) throw std::runtime_error("unknown fingerprint scheme");
      if (!f.contains("fingerprint") || !f["fingerprint"].is_string())
        throw std::runtime_error(fmt::format("finding {}: `fingerprint` must be a string", n));
      for (const char* key : {"rule", "file", "entity", "path", "message"})
        if (f.contains(key) && !f[key].is_string())
          throw std::runtime_error(fmt::format("finding {}: `{}` must be a string", n, key));
      e.fingerprint = f["fingerprint"].get<std::string>();
      e.rule = f.value("rule", "");
      e.file = f.value("file", "");
      e.entity = f.value("entity", "");
      e.path = f.value("path", "");
      e.message = f.value("message", "");
      b.entries.push_back(std::move(e));
    }
  } catch (const std::exception& ex) {
    throw std::runtime_error(fmt::format("baseline file {} is not valid: {}", path, ex.what()));
  }
  return b;
}

void apply_baseline(const Baseline& baseline, LintResult& result, const std::string& root,
                    const RuleConfig& config, std::size_t max_findings) {
  std::map<std::string, std::size_t> index, legacy_index;  // fingerprint -> entry, per scheme
  for (std::size_t i = 0; i < baseline.entries.size(); ++i)
    (baseline.entries[i].scheme == 1 ? legacy_index : index)
        .emplace(baseline.entries[i].fingerprint, i);
  std::vector<bool> used(baseline.entries.size(), false);
  std::vector<std::string> legacy;
  const std::vector<std::string> fps =
      fingerprints(result, root, nullptr, legacy_index.empty() ? nullptr : &legacy);
  for (std::size_t i = 0; i < fps.size(); ++i) {
    if (fps[i].empty()) continue;
    auto it = index.find(fps[i]);
    if (it == index.end() && !legacy.empty()) {
      it = legacy_index.find(legacy[i]);
      if (it == legacy_index.end()) continue;
    } else if (it == index.end()) {
      continue;
    }
    if (used[it->second]) continue;
    used[it->second] = true;
    result.diagnostics[i].suppressed = true;
    result.diagnostics[i].suppression_kind = "external";
    result.diagnostics[i].suppression_reason = "recorded in baseline " + baseline.path;
  }
  std::set<std::string> linted;
  for (const std::string& f : result.linted) linted.insert(entry_file(f, root));
  std::size_t stale = 0;
  for (std::size_t i = 0; i < baseline.entries.size(); ++i) {
    if (used[i] || !linted.count(baseline.entries[i].file)) continue;
    if (++stale > max_findings) {
      Diagnostic d = new_diagnostic(RuleId::limit_exceeded);
      d.message = fmt::format(
          "baseline has more than {} entries that no longer match a finding; the rest are not "
          "reported",
          max_findings);
      d.help =
          "run with --write-baseline to shrink the baseline, or raise the limit with --limit "
          "findings=N";
      d.file = baseline.path;
      d.start = SourcePos{1, 1, 1, 0};
      d.document = -1;
      if (stamp(d, config)) result.diagnostics.push_back(std::move(d));
      break;
    }
    const BaselineEntry& e = baseline.entries[i];
    Diagnostic d = new_diagnostic(RuleId::stale_baseline_entry);
    d.message = fmt::format("baseline entry for {} in {}{} no longer matches a finding", e.rule,
                            e.file, e.entity.empty() ? "" : " (" + e.entity + ")");
    d.help =
        "the finding is gone (fixed, its rule turned off, or its entity or value changed): run "
        "with --write-baseline to shrink the baseline";
    d.file = baseline.path;
    d.start = SourcePos{1, 1, 1, 0};
    d.document = -1;
    d.path = e.path;
    if (stamp(d, config)) result.diagnostics.push_back(std::move(d));
  }
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_less);
}

}  // namespace catalog_lint
