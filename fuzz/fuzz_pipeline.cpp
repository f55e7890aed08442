// libFuzzer target: the whole per-file pipeline on arbitrary bytes — load, every rule, the
// catalog phase, and rendering as human text, JSON and SARIF.
//
// Properties checked beyond "no crash, no sanitizer report, no hang": the JSON and SARIF outputs
// parse as JSON, and every output is valid UTF-8 whatever bytes the input held.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/linter.h"
#include "core/source.h"
#include "report/report.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_utf8(const std::string& s) {
  check(catalog_lint::find_invalid_utf8(s) == std::string::npos);
}

void check_json(const std::string& s) {
  check_utf8(s);
  check(nlohmann::json::accept(s));
}

}  // namespace

/// libFuzzer entry point: lints `data` as `catalog-info.yaml` with every rule at its default
/// severity and renders the result in each output format.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace catalog_lint;
  static const LintOptions options = [] {
    LintOptions o;
    o.limits.max_depth = 64;
    o.limits.max_nodes = 5000;
    o.limits.max_documents = 50;
    o.limits.max_scalar_bytes = 2000;
    return o;
  }();
  std::vector<FileResult> files;
  files.push_back(lint_bytes("catalog-info.yaml",
                             std::string(reinterpret_cast<const char*>(data), size), options));
  const LintResult result = finish(std::move(files), options);

  std::ostringstream human, json, sarif;
  report_human(human, result, HumanOptions{});
  check_utf8(human.str());
  report_json(json, result);
  check_json(json.str());
  SarifOptions so;
  so.root = "/src";
  report_sarif(sarif, result, so);
  check_json(sarif.str());
  return 0;
}
