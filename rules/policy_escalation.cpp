// Escalation rules of the platform-ownership model ("Escalation Path": level 1 service team,
// level 2 platform team, level 3 architecture committee) over the `platform/escalation-level-N`
// annotations (issue 3 "Escalation").
#include <fmt/format.h>

#include "core/entity_ref.h"
#include "policy_common.h"

namespace catalog_lint {
namespace {

using namespace policy;

/// Level 1 of an entity, with where it came from.
struct Level1 {
  std::vector<Contact> contacts;      ///< valid contacts only
  const SummaryField* own = nullptr;  ///< the entity's own annotation, when it has one
  bool resolved = false;
};

std::vector<Contact> valid(std::vector<Contact> all) {
  std::erase_if(all, [](const Contact& c) { return !c.error.empty(); });
  return all;
}

/// Contacts a group gives at level 1: its own annotation, else its profile email.
std::vector<Contact> group_level1(const EntitySummary& g) {
  if (const SummaryField* f = annotation(g, "escalation-level-1"))
    return valid(parse_contacts(f->value, g.ns));
  if (const SummaryField* f = g.field("/spec/profile/email"))
    return valid(parse_contacts("email:" + f->value, g.ns));
  return {};
}

Level1 level1(const EntitySummary& e, const Org& org) {
  Level1 out;
  if (const SummaryField* f = annotation(e, "escalation-level-1")) {
    out.own = f;
    out.contacts = valid(parse_contacts(f->value, e.ns));
  } else if (auto key = owner_key(e)) {
    if (const EntitySummary* g = org.find(*key)) out.contacts = group_level1(*g);
  }
  out.resolved = !out.contacts.empty();
  return out;
}

class EscalationChecker : public Checker {
 public:
  std::vector<std::string_view> rule_ids() const override {
    return {"missing-escalation-contact", "invalid-escalation-contact", "wrong-escalation-level",
            "missing-on-call"};
  }

  void check_catalog(const CatalogIndex& index, CatalogContext& ctx) const override {
    const Org org(index);
    bool noted = false;
    const std::vector<std::string_view> ids = rule_ids();
    for (const EntitySummary& e : index.entities) {
      if (!ctx.any_enabled_for(ids, e)) continue;  // all of this checker's rules are off
      const Policy& pol = policy_of(e);
      for (int level = 1; level <= 3; ++level) {
        const SummaryField* f = annotation(e, fmt::format("escalation-level-{}", level));
        if (f == nullptr) continue;
        const std::vector<Contact> contacts = parse_contacts(f->value, e.ns);
        for (const Contact& c : contacts)
          if (!c.error.empty())
            ctx.report_field(
                "invalid-escalation-contact", e, *f,
                fmt::format("escalation contact '{}' is not valid: {}", c.text, c.error),
                "use slack:#channel, email:addr, pagerduty:SERVICEID, "
                "opsgenie:team, an https:// URL or a Group/User ref, "
                "comma-separated");
        if (level == 1) continue;
        const std::string& designated = level == 2 ? pol.platform_team : pol.architecture_committee;
        if (e.ref == designated) continue;  // the designated group names its own contacts
        for (const Contact& c : contacts) {
          if (!c.error.empty() || (c.kind == Contact::Kind::entity && c.ref == designated))
            continue;
          ctx.report_field(
              "wrong-escalation-level", e, *f,
              fmt::format("escalation level {} goes to '{}', not the {} '{}'", level, c.text,
                          level == 2 ? "platform team" : "architecture committee", designated),
              fmt::format("remove the annotation (level {} defaults to {}) or set "
                          "it to '{}'",
                          level, designated, designated));
          break;
        }
      }

      if (!kind_in(e, {"component", "api", "resource", "system"})) continue;
      const Level1 l1 = level1(e, org);
      const bool can_resolve = l1.own != nullptr || org.has_group_source(e);
      if (!l1.resolved) {
        if (!can_resolve) {
          note_once(ctx, noted, "missing-escalation-contact", e, missing_at(e),
                    "level-1 escalation contacts are not checked: no Group entities among the "
                    "linted files or --catalog folders",
                    "pass the org catalog with --catalog PATH so owner groups can be looked up");
          continue;
        }
        if (l1.own == nullptr) {
          const SummaryField* owner = e.field("/spec/owner");
          ctx.report_field(
              "missing-escalation-contact", e, missing_at(e),
              fmt::format("no level-1 escalation contact: no {} annotation, and owner '{}' "
                          "gives none (no {} annotation or spec.profile.email)",
                          pol.annotation("escalation-level-1"), owner ? owner->value : "",
                          pol.annotation("escalation-level-1")),
              fmt::format("add `{}: slack:#your-team` (or email:, pagerduty:, …) to the entity "
                          "or to its owner Group",
                          pol.annotation("escalation-level-1")));
        }
      }

      if (!kind_in(e, {"component"}) || e.type != "service" || e.lifecycle != "production")
        continue;
      if (!can_resolve) continue;
      bool paging = false;
      for (const Contact& c : l1.contacts) {
        paging = paging || c.paging();
        if (c.kind == Contact::Kind::entity)
          if (const EntitySummary* g = org.find(c.ref))
            for (const Contact& gc : group_level1(*g)) paging = paging || gc.paging();
      }
      for (const SummaryField& f : e.fields)
        paging = paging || f.base.starts_with("/metadata/annotations/pagerduty.com~1") ||
                 f.base.starts_with("/metadata/annotations/opsgenie.com~1");
      if (!paging)
        ctx.report_field("missing-on-call", e, l1.own ? *l1.own : missing_at(e),
                         "production service has no paging contact at escalation level 1",
                         fmt::format("add pagerduty:SERVICEID or opsgenie:team to {} (here or "
                                     "on the owner Group), or a pagerduty.com/* or "
                                     "opsgenie.com/* annotation",
                                     pol.annotation("escalation-level-1")));
    }
  }
};

}  // namespace
}  // namespace catalog_lint

using catalog_lint::EscalationChecker;
CATALOG_LINT_REGISTER_CHECKER(EscalationChecker)
