// Escalation rules of the platform-ownership model ("Escalation Path": level 1 service team,
// level 2 platform team, level 3 architecture committee) over the `platform/escalation-level-N`
// annotations (issue 3 "Escalation").
#include <fmt/format.h>

#include "core/entity_ref.h"
#include "policy_common.h"

namespace catalog_lint {

using namespace policy;

namespace {

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

}  // namespace

std::shared_ptr<const CatalogRule> make_invalid_escalation_contact() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    for (int level = 1; level <= 3; ++level) {
      const SummaryField* f = annotation(e, fmt::format("escalation-level-{}", level));
      if (f == nullptr) continue;
      for (const Contact& c : parse_contacts(f->value, e.ns))
        if (!c.error.empty())
          ctx.report_field(e, *f,
                           fmt::format("escalation contact '{}' is not valid: {}", c.text, c.error),
                           "use slack:#channel, email:addr, pagerduty:SERVICEID, "
                           "opsgenie:team, an https:// URL or a Group/User ref, "
                           "comma-separated");
    }
  });
}

std::shared_ptr<const CatalogRule> make_wrong_escalation_level() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    const Policy& pol = policy_of(e);
    for (int level = 2; level <= 3; ++level) {
      const SummaryField* f = annotation(e, fmt::format("escalation-level-{}", level));
      if (f == nullptr) continue;
      const std::string& designated = level == 2 ? pol.platform_team : pol.architecture_committee;
      if (e.ref == designated) continue;  // the designated group names its own contacts
      for (const Contact& c : parse_contacts(f->value, e.ns)) {
        if (!c.error.empty() || (c.kind == Contact::Kind::entity && c.ref == designated)) continue;
        ctx.report_field(
            e, *f,
            fmt::format("escalation level {} goes to '{}', not the {} '{}'", level, c.text,
                        level == 2 ? "platform team" : "architecture committee", designated),
            fmt::format("remove the annotation (level {} defaults to {}) or set "
                        "it to '{}'",
                        level, designated, designated));
        break;
      }
    }
  });
}

std::shared_ptr<const CatalogRule> make_missing_escalation_contact() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex& index, CatalogContext& ctx) {
    if (!kind_in(e, {"component", "api", "resource", "system"})) return;
    const Org& org = org_of(index);
    const Level1 l1 = level1(e, org);
    if (l1.resolved) return;
    if (l1.own == nullptr && !org.judged(e)) {
      ctx.note_once(e, missing_at(e),
                    fmt::format("level-1 escalation contacts are not checked: {}, so the owner "
                                "Group's contacts cannot be looked up",
                                org.not_judged_because()),
                    org.not_judged_help("name the org catalog in .catalog-lint.yaml (`catalog: "
                                        "[path/to/org]`), pass --catalog PATH, or set "
                                        "`catalog_complete: true`"));
      return;
    }
    if (l1.own != nullptr) return;
    // One cause, one finding: an owner that resolves to nothing is unknown-owner's finding, and
    // no spec.owner at all is missing-field's (every kind here requires it).
    const SummaryField* owner = e.field("/spec/owner");
    if (owner == nullptr) return;
    if (const auto key = owner_key(e); key && !org.known_owner(*key, e)) return;
    const Policy& pol = policy_of(e);
    ctx.report_field(
        e, missing_at(e),
        fmt::format("no level-1 escalation contact: no {} annotation, and owner '{}' "
                    "gives none (no {} annotation or spec.profile.email)",
                    pol.annotation("escalation-level-1"), owner ? owner->value : "",
                    pol.annotation("escalation-level-1")),
        fmt::format("add `{}: slack:#your-team` (or email:, pagerduty:, …) to the entity "
                    "or to its owner Group",
                    pol.annotation("escalation-level-1")));
  });
}

std::shared_ptr<const CatalogRule> make_missing_on_call() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex& index, CatalogContext& ctx) {
    if (!kind_in(e, {"component"}) || e.type != "service" || e.lifecycle != "production") return;
    const Org& org = org_of(index);
    const Level1 l1 = level1(e, org);
    if (l1.own == nullptr && !org.judged(e)) return;
    if (const auto key = owner_key(e); l1.own == nullptr && key && !org.known_owner(*key, e))
      return;  // unknown-owner reports the cause
    // No spec.owner (missing-field reports it) and no contact of its own: the same cause.
    if (l1.own == nullptr && e.field("/spec/owner") == nullptr) return;
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
      ctx.report_field(e, l1.own ? *l1.own : missing_at(e),
                       "production service has no paging contact at escalation level 1",
                       fmt::format("add pagerduty:SERVICEID or opsgenie:team to {} (here or "
                                   "on the owner Group), or a pagerduty.com/* or "
                                   "opsgenie.com/* annotation to this entity",
                                   policy_of(e).annotation("escalation-level-1")));
  });
}

}  // namespace catalog_lint
