// Change-notice rules of the platform-ownership model ("Change Management": 2-week notice for
// breaking changes) over `lifecycle: deprecated` and the `platform/sunset-date` and
// `platform/deprecated-on` annotations.
#include <fmt/format.h>

#include "policy_common.h"

namespace catalog_lint {

using namespace policy;

std::shared_ptr<const CatalogRule> make_missing_sunset_date() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    if (e.lifecycle != "deprecated") return;
    const Policy& pol = policy_of(e);
    const SummaryField* sunset = annotation(e, "sunset-date");
    if (sunset == nullptr) {
      const SummaryField* lifecycle = e.field("/spec/lifecycle");
      ctx.report_field(
          e, lifecycle ? *lifecycle : missing_at(e),
          fmt::format("deprecated {} has no {}", e.kind, pol.annotation("sunset-date")),
          fmt::format("add `{}: YYYY-MM-DD` (at least {} days after {}) so "
                      "dependants know when it goes away",
                      pol.annotation("sunset-date"),
                      ctx.options(e, RuleId::short_deprecation_notice).integer("notice_days"),
                      pol.annotation("deprecated-on")));
    } else if (!parse_date_days(sunset->value)) {
      ctx.report_field(e, *sunset,
                       fmt::format("sunset date '{}' is not a date (YYYY-MM-DD)", sunset->value),
                       "write the date as YYYY-MM-DD");
    }
  });
}

std::shared_ptr<const CatalogRule> make_short_deprecation_notice() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    if (e.lifecycle != "deprecated") return;
    const SummaryField* sunset = annotation(e, "sunset-date");
    const auto sunset_days = sunset ? parse_date_days(sunset->value) : std::nullopt;
    if (!sunset_days) return;  // missing-sunset-date reports it
    const SummaryField* since = annotation(e, "deprecated-on");
    if (since == nullptr) return;
    const auto since_days = parse_date_days(since->value);
    if (!since_days) {
      ctx.report_field(
          e, *since, fmt::format("deprecation date '{}' is not a date (YYYY-MM-DD)", since->value),
          "write the date as YYYY-MM-DD");
      return;
    }
    const long notice = *sunset_days - *since_days;
    const std::int64_t required = ctx.options(e).integer("notice_days");
    if (notice < required)
      ctx.report_field(
          e, *sunset,
          fmt::format("sunset {} is {} days after deprecation on {}; the notice "
                      "period is {} days",
                      sunset->value, notice, since->value, required),
          fmt::format("move the sunset date to {} days or more after {}", required, since->value));
  });
}

}  // namespace catalog_lint
