// Ownership rules of the platform-ownership model ("Ownership Structure"): owners resolve to a
// known team, services are owned by teams rather than people, and infrastructure belongs to the
// platform team.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/entity_ref.h"
#include "policy_common.h"

namespace catalog_lint {
namespace {

using namespace policy;

class OwnershipChecker : public Checker {
 public:
  std::vector<std::string_view> rule_ids() const override {
    return {"unknown-owner", "owner-is-user", "infrastructure-not-platform-owned"};
  }

  void check_catalog(const CatalogIndex& index, CatalogContext& ctx) const override {
    const Org org(index);
    bool noted = false;
    // Suggestions, per policy (its known_owners are candidates too), made on first need.
    std::map<const Policy*, Suggester> owners;
    const std::vector<std::string_view> ids = rule_ids();
    for (const EntitySummary& e : index.entities) {
      if (!ctx.any_enabled_for(ids, e)) continue;  // all of this checker's rules are off
      const SummaryField* owner = e.field("/spec/owner");
      const auto key = owner_key(e);
      if (owner == nullptr || !key) continue;  // missing/invalid refs are backstage rules
      const Policy& pol = policy_of(e);
      const std::string kind = key->substr(0, key->find(':'));

      if (ctx.enabled_for("unknown-owner", e)) {
        if (!org.has_group_source(e)) {
          note_once(ctx, noted, "unknown-owner", e, *owner,
                    "owners are not checked: no Group entities among the linted files or "
                    "--catalog folders, and no policy.known_owners",
                    "pass the org catalog with --catalog PATH, or list owners in "
                    "policy.known_owners in .catalog-lint.yaml");
        } else if (!org.known_owner(*key, e)) {
          auto suggester = owners.find(&pol);
          if (suggester == owners.end()) {
            std::vector<std::string> keys = org.owner_keys();
            for (const auto& k : pol.known_owners) keys.push_back(k);
            suggester = owners.emplace(&pol, Suggester(std::move(keys))).first;
          }
          std::string help =
              "define the Group (or User), pass its catalog with --catalog, or "
              "add it to policy.known_owners";
          if (const auto& near = suggester->second.nearest(*key))
            help = fmt::format("did you mean '{}'?", *near);
          ctx.report_field(
              "unknown-owner", e, *owner,
              kind == "group" || kind == "user"
                  ? fmt::format("owner '{}' ({}) is not a known Group or User", owner->value, *key)
                  : fmt::format("owner '{}' is a {}, not a Group or User", owner->value, kind),
              std::move(help));
        }
      }

      if (kind == "user" && kind_in(e, {"component", "api", "resource", "system", "domain"}))
        ctx.report_field(
            "owner-is-user", e, *owner,
            fmt::format("{} is owned by a person ('{}'), not a team", e.kind, owner->value),
            "make the owning team's Group the owner; people come and go, teams "
            "keep the on-call and the backlog");

      if (kind_in(e, {"resource"}) && *key != pol.platform_team &&
          std::find(pol.infrastructure_types.begin(), pol.infrastructure_types.end(), e.type) !=
              pol.infrastructure_types.end())
        ctx.report_field("infrastructure-not-platform-owned", e, *owner,
                         fmt::format("infrastructure Resource of type '{}' is owned by '{}', not "
                                     "the platform team '{}'",
                                     e.type, owner->value, pol.platform_team),
                         fmt::format("set `owner: {}`; service teams use the platform's "
                                     "infrastructure but do not own it",
                                     pol.platform_team));
    }
  }
};

}  // namespace
}  // namespace catalog_lint

using catalog_lint::OwnershipChecker;
CATALOG_LINT_REGISTER_CHECKER(OwnershipChecker)
