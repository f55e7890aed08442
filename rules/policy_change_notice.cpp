// Change-notice rules of the platform-ownership model ("Change Management": 2-week notice for
// breaking changes) over `lifecycle: deprecated` and the `platform/sunset-date` and
// `platform/deprecated-on` annotations.
#include <fmt/format.h>

#include "policy_common.h"

namespace catalog_lint {
namespace {

using namespace policy;

class ChangeNoticeChecker : public Checker {
 public:
  std::vector<std::string_view> rule_ids() const override {
    return {"missing-sunset-date", "short-deprecation-notice"};
  }

  void check_catalog(const CatalogIndex& index, CatalogContext& ctx) const override {
    const std::vector<std::string_view> ids = rule_ids();
    for (const EntitySummary& e : index.entities) {
      if (!ctx.any_enabled_for(ids, e)) continue;  // all of this checker's rules are off
      if (e.lifecycle != "deprecated") continue;
      const Policy& pol = policy_of(e);
      const SummaryField* sunset = annotation(e, "sunset-date");
      if (sunset == nullptr) {
        const SummaryField* lifecycle = e.field("/spec/lifecycle");
        ctx.report_field(
            "missing-sunset-date", e, lifecycle ? *lifecycle : missing_at(e),
            fmt::format("deprecated {} has no {}", e.kind, pol.annotation("sunset-date")),
            fmt::format("add `{}: YYYY-MM-DD` (at least {} days after {}) so "
                        "dependants know when it goes away",
                        pol.annotation("sunset-date"), pol.deprecation_notice_days,
                        pol.annotation("deprecated-on")));
        continue;
      }
      const auto sunset_days = parse_date_days(sunset->value);
      if (!sunset_days) {
        ctx.report_field("missing-sunset-date", e, *sunset,
                         fmt::format("sunset date '{}' is not a date (YYYY-MM-DD)", sunset->value),
                         "write the date as YYYY-MM-DD");
        continue;
      }
      const SummaryField* since = annotation(e, "deprecated-on");
      if (since == nullptr) continue;
      const auto since_days = parse_date_days(since->value);
      if (!since_days) {
        ctx.report_field(
            "short-deprecation-notice", e, *since,
            fmt::format("deprecation date '{}' is not a date (YYYY-MM-DD)", since->value),
            "write the date as YYYY-MM-DD");
        continue;
      }
      const long notice = *sunset_days - *since_days;
      if (notice < pol.deprecation_notice_days)
        ctx.report_field(
            "short-deprecation-notice", e, *sunset,
            fmt::format("sunset {} is {} days after deprecation on {}; the notice "
                        "period is {} days",
                        sunset->value, notice, since->value, pol.deprecation_notice_days),
            fmt::format("move the sunset date to {} days or more after {}",
                        pol.deprecation_notice_days, since->value));
    }
  }
};

}  // namespace
}  // namespace catalog_lint

using catalog_lint::ChangeNoticeChecker;
CATALOG_LINT_REGISTER_CHECKER(ChangeNoticeChecker)
