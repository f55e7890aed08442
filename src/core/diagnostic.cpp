#include "core/diagnostic.h"

#include <tuple>

namespace catalog_lint {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::note:
      return "note";
    case Severity::off:
      return "off";
  }
  return "off";
}

std::optional<Severity> parse_severity(std::string_view s) {
  if (s == "error") return Severity::error;
  if (s == "warning") return Severity::warning;
  if (s == "note") return Severity::note;
  if (s == "off") return Severity::off;
  return std::nullopt;
}

bool diagnostic_less(const Diagnostic& a, const Diagnostic& b) {
  return std::tie(a.file, a.start.line, a.start.column, a.rule, a.message) <
         std::tie(b.file, b.start.line, b.start.column, b.rule, b.message);
}

}  // namespace catalog_lint
