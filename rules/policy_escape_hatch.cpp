// Escape-hatch rules of the platform-ownership model ("Escape Hatches": unique business
// requirements, experimental features, legacy integrations; "Escape hatches require additional
// approval and monitoring") over the `platform/escape-hatch*` annotations (issue 3).
#include <re2/re2.h>

#include <fmt/format.h>

#include "core/entity_ref.h"
#include "core/validators.h"
#include "policy_common.h"

namespace catalog_lint {

using namespace policy;

namespace {

bool valid_approval(std::string_view v) {
  static const RE2 ticket("[A-Z][A-Z0-9]+-[0-9]+");
  return RE2::FullMatch(v, ticket) || (v.starts_with("https://") && validators::url(v));
}

/// The escape-hatch annotations of one entity.
struct Hatch {
  explicit Hatch(const EntitySummary& e)
      : hatch(annotation(e, "escape-hatch")),
        approval(annotation(e, "escape-hatch-approval")),
        by(annotation(e, "escape-hatch-approved-by")),
        expires(annotation(e, "escape-hatch-expires")),
        monitoring(annotation(e, "escape-hatch-monitoring")) {}
  const SummaryField *hatch, *approval, *by, *expires, *monitoring;
  /// The expiry date in days since 1970, when it is one.
  std::optional<long> expiry() const {
    return expires ? parse_date_days(expires->value) : std::nullopt;
  }
};

}  // namespace

std::shared_ptr<const CatalogRule> make_invalid_escape_hatch() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    const Policy& pol = policy_of(e);
    const Hatch h(e);
    if (h.hatch == nullptr) {
      for (const SummaryField* f : {h.approval, h.by, h.expires, h.monitoring})
        if (f != nullptr) {
          ctx.report_field(
              e, *f, fmt::format("escape-hatch details without {}", pol.annotation("escape-hatch")),
              fmt::format("add `{}: business-requirement | experimental | "
                          "legacy-integration`, or remove the details",
                          pol.annotation("escape-hatch")));
          break;
        }
      return;
    }
    if (h.hatch->value != "business-requirement" && h.hatch->value != "experimental" &&
        h.hatch->value != "legacy-integration")
      ctx.report_field(e, *h.hatch,
                       fmt::format("escape-hatch reason '{}' is not one of: "
                                   "business-requirement, experimental, legacy-integration",
                                   h.hatch->value),
                       "the model allows escape hatches for unique business requirements, "
                       "experimental features and legacy system integrations");
    if (h.approval && !valid_approval(h.approval->value))
      ctx.report_field(e, *h.approval,
                       fmt::format("escape-hatch approval '{}' is not a ticket key (PLAT-123) "
                                   "or an https URL",
                                   h.approval->value),
                       "link the approval ticket");
    if (h.by) {
      const EntityRefParse p = parse_entity_ref(h.by->value, "group", e.ns);
      if (!p.ref)
        ctx.report_field(e, *h.by,
                         fmt::format("escape-hatch approver '{}' is not an entity ref: {}",
                                     h.by->value, p.error),
                         fmt::format("name the approving group, e.g. '{}'", pol.platform_team));
    }
    if (h.expires && !h.expiry())
      ctx.report_field(
          e, *h.expires,
          fmt::format("escape-hatch expiry '{}' is not a date (YYYY-MM-DD)", h.expires->value),
          "write the date as YYYY-MM-DD");
    if (h.monitoring &&
        !(h.monitoring->value.starts_with("https://") && validators::url(h.monitoring->value)))
      ctx.report_field(
          e, *h.monitoring,
          fmt::format("escape-hatch monitoring '{}' is not an https URL", h.monitoring->value),
          "link the dashboard or alert that watches the escape hatch");
  });
}

std::shared_ptr<const CatalogRule> make_unapproved_escape_hatch() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    const Hatch h(e);
    if (h.hatch == nullptr) return;
    const Policy& pol = policy_of(e);
    if (h.approval == nullptr || h.by == nullptr) {
      ctx.report_field(
          e, *h.hatch,
          fmt::format("escape hatch has no {}", h.approval == nullptr && h.by == nullptr
                                                    ? "approval ticket and no approver"
                                                : h.approval == nullptr ? "approval ticket"
                                                                        : "approver"),
          fmt::format("add {} (ticket key or URL) and {} ({} or {})",
                      pol.annotation("escape-hatch-approval"),
                      pol.annotation("escape-hatch-approved-by"), pol.platform_team,
                      pol.architecture_committee));
      return;
    }
    const EntityRefParse p = parse_entity_ref(h.by->value, "group", e.ns);
    if (p.ref && p.ref->key() != pol.platform_team && p.ref->key() != pol.architecture_committee)
      ctx.report_field(e, *h.by,
                       fmt::format("escape hatch approved by '{}', who is neither the platform "
                                   "team nor the architecture committee",
                                   h.by->value),
                       fmt::format("escape hatches are approved by {} or {}", pol.platform_team,
                                   pol.architecture_committee));
  });
}

std::shared_ptr<const CatalogRule> make_unmonitored_escape_hatch() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    const Hatch h(e);
    if (h.hatch != nullptr && h.monitoring == nullptr)
      ctx.report_field(e, *h.hatch, "escape hatch is not monitored",
                       fmt::format("add {} with the https URL of its dashboard or alerts",
                                   policy_of(e).annotation("escape-hatch-monitoring")));
  });
}

std::shared_ptr<const CatalogRule> make_escape_hatch_without_expiry() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    const Hatch h(e);
    if (h.hatch != nullptr && h.expires == nullptr)
      ctx.report_field(e, *h.hatch, "escape hatch never expires",
                       fmt::format("add {}: YYYY-MM-DD, the date it is reviewed again",
                                   policy_of(e).annotation("escape-hatch-expires")));
  });
}

std::shared_ptr<const CatalogRule> make_expired_escape_hatch() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex& index, CatalogContext& ctx) {
    const Hatch h(e);
    const auto expiry = h.expiry();
    if (h.hatch == nullptr || !expiry) return;
    const long today = today_days(index);
    if (*expiry < today)
      ctx.report_field(e, *h.expires,
                       fmt::format("escape hatch expired on {} ({} days ago)", h.expires->value,
                                   today - *expiry),
                       "move onto a golden path, or renew the approval and the expiry date");
  });
}

std::shared_ptr<const CatalogRule> make_expiring_escape_hatch() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex& index, CatalogContext& ctx) {
    const Hatch h(e);
    const auto expiry = h.expiry();
    if (h.hatch == nullptr || !expiry) return;
    const long today = today_days(index);
    if (*expiry >= today && *expiry - today <= ctx.options(e).integer("warning_days"))
      ctx.report_field(
          e, *h.expires,
          fmt::format("escape hatch expires on {} (in {} days)", h.expires->value, *expiry - today),
          "plan the move onto a golden path, or renew the approval in time");
  });
}

}  // namespace catalog_lint
