// Ownership rules of the platform-ownership model ("Ownership Structure"): owners resolve to a
// known team, services are owned by teams rather than people, and infrastructure belongs to the
// platform team.
#include <fmt/format.h>

#include <algorithm>

#include "core/edit.h"
#include "core/entity_ref.h"
#include "kinds.h"
#include "policy_common.h"

namespace catalog_lint {

using namespace policy;

std::shared_ptr<const CatalogRule> make_unknown_owner() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex& index, CatalogContext& ctx) {
    const SummaryField* owner = e.field("/spec/owner");
    const auto key = owner_key(e);
    if (owner == nullptr || !key) return;  // missing/invalid refs are backstage rules
    const Org& org = org_of(index);
    if (!org.judged(e)) {
      ctx.note_once(e, *owner,
                    fmt::format("owners are not checked: {}, so a team defined elsewhere cannot "
                                "be told from a typo",
                                org.not_judged_because()),
                    org.not_judged_help(
                        "name the org catalog in .catalog-lint.yaml (`catalog: [path/to/org]`), "
                        "pass --catalog PATH, or set `catalog_complete: true` when the linted "
                        "files are the whole org"));
      return;
    }
    if (org.known_owner(*key, e)) return;
    const std::string kind = key->substr(0, key->find(':'));
    std::string help =
        "define the Group (or User), pass its catalog with --catalog, or "
        "add it to policy.known_owners";
    // Where the policy wants a team (owner-is-user), a person is never the suggestion.
    const bool teams_only = kind_in(e, {"component", "api", "resource", "system", "domain"});
    std::optional<Fix> fix;
    if (const auto near = org.nearest_owner(policy_of(e), *key, teams_only)) {
      help = fmt::format("did you mean '{}'?", *near);
      fix = did_you_mean_fix(*owner, *near, "group", e.ns);
    }
    if (const auto fixed = unswapped_reference(owner->value)) {
      help = fmt::format(
          "the kind and the namespace are swapped: write '{}' (<kind>:<namespace>/<name>)", *fixed);
      // Safe: the same parts in the order Backstage reads, the kind lower-cased.
      fix.reset();
      if (auto edit = replace_scalar(owner->pos, owner->end, owner->value, *fixed))
        fix = single_edit_fix(fmt::format("write '{}'", *fixed), FixSafety::safe, std::move(*edit));
    }
    Diagnostic* d = ctx.report_field(
        e, *owner,
        kind == "group" || kind == "user"
            ? fmt::format("owner '{}' ({}) is not a known Group or User", owner->value, *key)
            : fmt::format("owner '{}' is a {}, not a Group or User", owner->value, kind),
        std::move(help));
    if (d && fix) d->fix = std::move(fix);
  });
}

std::shared_ptr<const CatalogRule> make_owner_is_user() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    const SummaryField* owner = e.field("/spec/owner");
    const auto key = owner_key(e);
    if (owner == nullptr || !key || !key->starts_with("user:")) return;
    if (kind_in(e, {"component", "api", "resource", "system", "domain"}))
      ctx.report_field(
          e, *owner,
          fmt::format("{} is owned by a person ('{}'), not a team", e.kind, owner->value),
          "make the owning team's Group the owner; people come and go, teams "
          "keep the on-call and the backlog");
  });
}

std::shared_ptr<const CatalogRule> make_infrastructure_not_platform_owned() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    const SummaryField* owner = e.field("/spec/owner");
    const auto key = owner_key(e);
    if (owner == nullptr || !key) return;
    const Policy& pol = policy_of(e);
    const std::vector<std::string>& types = ctx.options(e).strings("resource_types");
    if (kind_in(e, {"resource"}) && *key != pol.platform_team &&
        std::find(types.begin(), types.end(), e.type) != types.end())
      ctx.report_field(e, *owner,
                       fmt::format("infrastructure Resource of type '{}' is owned by '{}', not "
                                   "the platform team '{}'",
                                   e.type, owner->value, pol.platform_team),
                       fmt::format("set `owner: {}`; service teams use the platform's "
                                   "infrastructure but do not own it",
                                   pol.platform_team));
  });
}

}  // namespace catalog_lint
