// Escape-hatch rules of the platform-ownership model ("Escape Hatches": unique business
// requirements, experimental features, legacy integrations; "Escape hatches require additional
// approval and monitoring") over the `platform/escape-hatch*` annotations (issue 3).
#include <re2/re2.h>

#include <fmt/format.h>

#include "core/entity_ref.h"
#include "core/validators.h"
#include "policy_common.h"

namespace catalog_lint {
namespace {

using namespace policy;

bool valid_approval(std::string_view v) {
  static const RE2 ticket("[A-Z][A-Z0-9]+-[0-9]+");
  return RE2::FullMatch(v, ticket) || (v.starts_with("https://") && validators::url(v));
}

class EscapeHatchChecker : public Checker {
 public:
  std::vector<std::string_view> rule_ids() const override {
    return {"invalid-escape-hatch",        "unapproved-escape-hatch", "unmonitored-escape-hatch",
            "escape-hatch-without-expiry", "expired-escape-hatch",    "expiring-escape-hatch"};
  }

  void check_catalog(const CatalogIndex& index, CatalogContext& ctx) const override {
    const long today = today_days(index);
    const std::vector<std::string_view> ids = rule_ids();
    for (const EntitySummary& e : index.entities) {
      if (!ctx.any_enabled_for(ids, e)) continue;  // all of this checker's rules are off
      const Policy& pol = policy_of(e);
      const SummaryField* hatch = annotation(e, "escape-hatch");
      const SummaryField* approval = annotation(e, "escape-hatch-approval");
      const SummaryField* by = annotation(e, "escape-hatch-approved-by");
      const SummaryField* expires = annotation(e, "escape-hatch-expires");
      const SummaryField* monitoring = annotation(e, "escape-hatch-monitoring");
      if (hatch == nullptr) {
        for (const SummaryField* f : {approval, by, expires, monitoring})
          if (f != nullptr) {
            ctx.report_field(
                "invalid-escape-hatch", e, *f,
                fmt::format("escape-hatch details without {}", pol.annotation("escape-hatch")),
                fmt::format("add `{}: business-requirement | experimental | "
                            "legacy-integration`, or remove the details",
                            pol.annotation("escape-hatch")));
            break;
          }
        continue;
      }
      if (hatch->value != "business-requirement" && hatch->value != "experimental" &&
          hatch->value != "legacy-integration")
        ctx.report_field("invalid-escape-hatch", e, *hatch,
                         fmt::format("escape-hatch reason '{}' is not one of: "
                                     "business-requirement, experimental, legacy-integration",
                                     hatch->value),
                         "the model allows escape hatches for unique business requirements, "
                         "experimental features and legacy system integrations");
      if (approval && !valid_approval(approval->value))
        ctx.report_field("invalid-escape-hatch", e, *approval,
                         fmt::format("escape-hatch approval '{}' is not a ticket key (PLAT-123) "
                                     "or an https URL",
                                     approval->value),
                         "link the approval ticket");
      std::optional<std::string> approver;
      if (by) {
        const EntityRefParse p = parse_entity_ref(by->value, "group", e.ns);
        if (p.ref)
          approver = p.ref->key();
        else
          ctx.report_field("invalid-escape-hatch", e, *by,
                           fmt::format("escape-hatch approver '{}' is not an entity ref: {}",
                                       by->value, p.error),
                           fmt::format("name the approving group, e.g. '{}'", pol.platform_team));
      }
      std::optional<long> expiry;
      if (expires) {
        expiry = parse_date_days(expires->value);
        if (!expiry)
          ctx.report_field(
              "invalid-escape-hatch", e, *expires,
              fmt::format("escape-hatch expiry '{}' is not a date (YYYY-MM-DD)", expires->value),
              "write the date as YYYY-MM-DD");
      }
      if (monitoring &&
          !(monitoring->value.starts_with("https://") && validators::url(monitoring->value)))
        ctx.report_field(
            "invalid-escape-hatch", e, *monitoring,
            fmt::format("escape-hatch monitoring '{}' is not an https URL", monitoring->value),
            "link the dashboard or alert that watches the escape hatch");

      if (approval == nullptr || by == nullptr) {
        ctx.report_field(
            "unapproved-escape-hatch", e, *hatch,
            fmt::format("escape hatch has no {}", approval == nullptr && by == nullptr
                                                      ? "approval ticket and no approver"
                                                  : approval == nullptr ? "approval ticket"
                                                                        : "approver"),
            fmt::format("add {} (ticket key or URL) and {} ({} or {})",
                        pol.annotation("escape-hatch-approval"),
                        pol.annotation("escape-hatch-approved-by"), pol.platform_team,
                        pol.architecture_committee));
      } else if (approver && *approver != pol.platform_team &&
                 *approver != pol.architecture_committee) {
        ctx.report_field("unapproved-escape-hatch", e, *by,
                         fmt::format("escape hatch approved by '{}', who is neither the platform "
                                     "team nor the architecture committee",
                                     by->value),
                         fmt::format("escape hatches are approved by {} or {}", pol.platform_team,
                                     pol.architecture_committee));
      }
      if (monitoring == nullptr)
        ctx.report_field("unmonitored-escape-hatch", e, *hatch, "escape hatch is not monitored",
                         fmt::format("add {} with the https URL of its dashboard or alerts",
                                     pol.annotation("escape-hatch-monitoring")));
      if (expires == nullptr)
        ctx.report_field("escape-hatch-without-expiry", e, *hatch, "escape hatch never expires",
                         fmt::format("add {}: YYYY-MM-DD, the date it is reviewed again",
                                     pol.annotation("escape-hatch-expires")));
      if (expiry && *expiry < today)
        ctx.report_field("expired-escape-hatch", e, *expires,
                         fmt::format("escape hatch expired on {} ({} days ago)", expires->value,
                                     today - *expiry),
                         "move onto a golden path, or renew the approval and the expiry date");
      else if (expiry && *expiry - today <= pol.escape_hatch_expiry_warning_days)
        ctx.report_field(
            "expiring-escape-hatch", e, *expires,
            fmt::format("escape hatch expires on {} (in {} days)", expires->value, *expiry - today),
            "plan the move onto a golden path, or renew the approval in time");
    }
  }
};

}  // namespace
}  // namespace catalog_lint

using catalog_lint::EscapeHatchChecker;
CATALOG_LINT_REGISTER_CHECKER(EscapeHatchChecker)
