// libFuzzer target for suppression comments (issue 11): parse_suppressions() on arbitrary text,
// then apply_suppressions() to findings derived from the input (one per line, rule chosen by the
// line), compared with the reference it replaced (every directive tried for every finding) on
// small inputs. Every input must finish fast (fuzz/run.sh passes -timeout=10).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/linter.h"
#include "core/registry.h"
#include "core/source.h"
#include "core/suppression.h"

using namespace catalog_lint;

namespace {

// The quadratic marking of the code before issue 11.
void reference(const std::string& file, std::vector<Suppression>& directives,
               std::vector<Diagnostic>& diagnostics) {
  for (Diagnostic& d : diagnostics) {
    if (d.file != file || d.suppressed) continue;
    for (Suppression& s : directives) {
      if (!s.whole_file && d.start.line != s.target_line) continue;
      for (std::size_t i = 0; i < s.rules.size(); ++i) {
        if (s.rules[i] != d.rule) continue;
        // Issue 13: a finding Backstage rejects (category backstage/yaml, error by default) is
        // never suppressed; the directive stays unused.
        const RuleInfo* info = Registry::instance().find(d.rule);
        if (info && (info->category == "backstage" || info->category == "yaml") &&
            info->default_severity == Severity::error)
          continue;
        s.used[i] = true;
        if (!d.suppressed) {
          d.suppressed = true;
          d.suppression_kind = "inSource";
          d.suppression_reason = s.reason;
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const char* const rules[] = {"invalid-tag", "missing-field", "duplicate-key", "x",
                                      "no-such-rule"};
  const SourceText src(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<Suppression> directives = parse_suppressions(src);
  std::vector<Diagnostic> diagnostics;
  for (int l = 1; l <= src.line_count() && l <= 2000; ++l) {
    const std::string_view line = src.line(l);
    Diagnostic d;
    d.rule = rules[(line.empty() ? 0 : static_cast<unsigned char>(line[0])) % 5];
    d.file = l % 7 == 0 ? "other.yaml" : "test.yaml";
    d.start = SourcePos{l, 1, 1, 0};
    diagnostics.push_back(std::move(d));
  }
  std::vector<Suppression> ref_directives = directives;
  std::vector<Diagnostic> ref_diagnostics = diagnostics;
  apply_suppressions("test.yaml", directives, diagnostics);
  if (size <= 4096) {
    reference("test.yaml", ref_directives, ref_diagnostics);
    for (std::size_t i = 0; i < ref_diagnostics.size(); ++i)
      if (ref_diagnostics[i].suppressed != diagnostics[i].suppressed ||
          ref_diagnostics[i].suppression_reason != diagnostics[i].suppression_reason)
        std::abort();
    for (std::size_t k = 0; k < directives.size(); ++k)
      if (directives[k].used != ref_directives[k].used) std::abort();
  }
  for (std::size_t i = ref_diagnostics.size(); i < diagnostics.size(); ++i)
    if (diagnostics[i].source_line == nullptr || diagnostics[i].file != "test.yaml")
      std::abort();  // every report about a directive quotes its line
  return 0;
}
