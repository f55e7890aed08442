// Entity references that resolve (issue 14): every relation field names an entity of a kind
// Backstage allows there, found among the linted files or the org catalog; and the org's graph is
// consistent (Group parent/children, members/memberOf, no hierarchy cycles, no entity defined
// twice across the linted files and the catalog).
//
// The relation fields, their default kinds and the kinds each accepts are core/relations.h
// (from Backstage's BuiltinKindsEntityProcessor). Backstage accepts a relation to an entity that
// does not exist (a "soft" error found later as a missing edge), so these rules default to warning.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "core/entity_ref.h"
#include "core/relations.h"
#include "policy_common.h"

namespace catalog_lint {

using namespace policy;

namespace {

/// Calls `f(field, relation, parsed ref)` for each relation value of `e` except owners (the
/// ownership rules judge those).
template <class F>
void each_reference(const EntitySummary& e, F f) {
  for_each_relation(e,
                    [&](const SummaryField& field, const RelationField& r, const EntityRef& ref) {
                      if (!r.owner) f(field, r, ref);
                    });
}

/// A kind as Backstage spells it, with its article: "an API", "a Component"; other kinds as
/// written.
std::string kind_shown(const std::string& lower) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"component", "a Component"}, {"api", "an API"},          {"resource", "a Resource"},
      {"system", "a System"},       {"domain", "a Domain"},     {"group", "a Group"},
      {"user", "a User"},           {"template", "a Template"}, {"location", "a Location"}};
  for (const auto& [k, v] : kNames)
    if (k == lower) return std::string(v);
  return fmt::format("kind '{}'", lower);
}

std::string_view kind_of_key(std::string_view key) {
  return key.substr(0, key.find(':'));
}

/// The ref keys that relation `pointer` of `e` names (parsed with the field's default kind).
std::vector<std::string> targets(const EntitySummary& e, std::string_view pointer) {
  std::vector<std::string> out;
  each_reference(e, [&](const SummaryField&, const RelationField& r, const EntityRef& ref) {
    if (r.pointer == pointer) out.push_back(ref.key());
  });
  return out;
}

bool lists(const Org& org, const EntitySummary& e, std::string_view pointer,
           const std::string& key) {
  return org.relation_targets(e, pointer).count(key) > 0;
}

}  // namespace

std::shared_ptr<const CatalogRule> make_wrong_reference_kind() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    each_reference(e, [&](const SummaryField& f, const RelationField& r, const EntityRef& ref) {
      const std::string kind = to_lower(ref.kind);
      if (std::find(r.kinds.begin(), r.kinds.end(), kind) != r.kinds.end()) return;
      ctx.report_field(
          e, f,
          fmt::format("{} '{}' names {}; {} of a {} must name {}", relation_name(r.pointer),
                      f.value, kind_shown(kind), relation_name(r.pointer), e.kind, r.shown),
          fmt::format("point {} at {} (Backstage makes a relation to whatever "
                      "it names, so the wrong kind shows up as a broken edge)",
                      relation_name(r.pointer), r.shown));
    });
  });
}

std::shared_ptr<const CatalogRule> make_unresolved_reference() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex& index, CatalogContext& ctx) {
    const Org& org = org_of(index);
    if (!org.judged(e)) return;  // without an org catalog nothing can be told from a typo
    each_reference(e, [&](const SummaryField& f, const RelationField& r, const EntityRef& ref) {
      const std::string key = ref.key();
      if (std::find(r.kinds.begin(), r.kinds.end(), kind_of_key(key)) == r.kinds.end())
        return;  // wrong-reference-kind reports it
      if (org.find_any(key) != nullptr) return;
      std::string help = fmt::format(
          "define '{}' ({} may be named here), add the file that defines it to the org catalog "
          "(`catalog:` in .catalog-lint.yaml), or fix the reference",
          key, r.shown);
      std::optional<Fix> fix;  // unsafe: the author may mean an entity not yet in the catalog
      // The same namespace/name under another kind allowed here (`component:orders-db` for the
      // Resource orders-db) is the likeliest meaning; the name's distance cannot find it.
      std::optional<std::string> near;
      const std::string_view rest = std::string_view(key).substr(kind_of_key(key).size());
      for (const std::string_view kind : r.kinds)
        if (!near && kind != kind_of_key(key))
          if (std::string other = fmt::format("{}{}", kind, rest); org.find_any(other))
            near = std::move(other);
      if (!near) near = org.nearest_of_kinds(r.kinds, key);
      if (near) {
        help = fmt::format("did you mean '{}'?", *near);
        fix = did_you_mean_fix(f, *near, r.default_kind, e.ns);
      }
      Diagnostic* d =
          ctx.report_field(e, f,
                           fmt::format("{} '{}' ({}) names no entity in the linted files or the "
                                       "org catalog",
                                       relation_name(r.pointer), f.value, key),
                           std::move(help));
      if (d && fix) d->fix = std::move(fix);
    });
  });
}

std::shared_ptr<const CatalogRule> make_inconsistent_group_hierarchy() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex& index, CatalogContext& ctx) {
    if (!kind_in(e, {"group"})) return;
    const Org& org = org_of(index);
    if (!org.judged(e)) return;
    each_reference(e, [&](const SummaryField& f, const RelationField& r, const EntityRef& ref) {
      const std::string key = ref.key();
      const EntitySummary* other = org.find_any(key);
      if (other == nullptr || !kind_in(*other, {"group"})) return;
      if (r.pointer == "/spec/parent" && !lists(org, *other, "/spec/children", e.ref)) {
        Diagnostic* d = ctx.report_field(
            e, f,
            fmt::format("parent '{}' does not list '{}' in its spec.children", f.value, e.name),
            fmt::format("add {} to spec.children of {} (Backstage builds the hierarchy from both "
                        "sides; the two files should agree)",
                        e.ref, key));
        if (d)
          d->notes.push_back(
              RelatedNote{"the parent is defined here", other->file, other->name_pos});
      } else if (r.pointer == "/spec/children") {
        const auto parent = targets(*other, "/spec/parent");
        if (!parent.empty() && parent.front() == e.ref) return;
        Diagnostic* d = ctx.report_field(
            e, f,
            parent.empty()
                ? fmt::format("child '{}' names no spec.parent; it should name '{}'", f.value,
                              e.name)
                : fmt::format("child '{}' names another parent, '{}'", f.value, parent.front()),
            fmt::format("set `parent: {}` on {}, or remove it from spec.children", e.name, key));
        if (d)
          d->notes.push_back(
              RelatedNote{"the child is defined here", other->file, other->name_pos});
      }
    });
  });
}

std::shared_ptr<const CatalogRule> make_inconsistent_membership() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex& index, CatalogContext& ctx) {
    if (!kind_in(e, {"group", "user"})) return;
    const Org& org = org_of(index);
    if (!org.judged(e)) return;
    each_reference(e, [&](const SummaryField& f, const RelationField& r, const EntityRef& ref) {
      const EntitySummary* other = org.find_any(ref.key());
      if (other == nullptr) return;
      if (r.pointer == "/spec/memberOf" && kind_in(*other, {"group"})) {
        // A Group need not list its members (spec.members is optional); when it does, the list
        // must include every User that says it is a member.
        if (other->field("/spec/members") == nullptr || lists(org, *other, "/spec/members", e.ref))
          return;
        Diagnostic* d = ctx.report_field(
            e, f, fmt::format("group '{}' lists spec.members without '{}'", f.value, e.name),
            fmt::format("add {} to spec.members of {}, or remove the group from spec.memberOf",
                        e.ref, ref.key()));
        if (d)
          d->notes.push_back(
              RelatedNote{"the group is defined here", other->file, other->name_pos});
      } else if (r.pointer == "/spec/members" && kind_in(*other, {"user"})) {
        if (lists(org, *other, "/spec/memberOf", e.ref)) return;
        Diagnostic* d = ctx.report_field(
            e, f,
            fmt::format("member '{}' does not name '{}' in its spec.memberOf", f.value, e.name),
            fmt::format("add {} to spec.memberOf of {}, or remove the user from spec.members",
                        e.ref, ref.key()));
        if (d)
          d->notes.push_back(RelatedNote{"the user is defined here", other->file, other->name_pos});
      }
    });
  });
}

std::shared_ptr<const CatalogRule> make_hierarchy_cycle() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex& index, CatalogContext& ctx) {
    const Org& org = org_of(index);
    if (!org.judged(e)) return;
    std::string_view pointer;
    if (kind_in(e, {"group"}))
      pointer = "/spec/parent";
    else if (kind_in(e, {"component"}))
      pointer = "/spec/subcomponentOf";
    else if (kind_in(e, {"domain"}))
      pointer = "/spec/subdomainOf";
    else
      return;
    const SummaryField* start = e.field(pointer);
    if (start == nullptr) return;
    // Follow the chain from e; report the cycle once, at the member with the smallest ref.
    std::vector<const EntitySummary*> chain{&e};
    std::unordered_set<const EntitySummary*> seen{&e};
    const EntitySummary* at = &e;
    // A named bound: deeper hierarchies are not followed further (no finding), so the rule costs
    // at most kMaxHierarchyDepth steps per entity whatever the catalog.
    constexpr std::size_t kMaxHierarchyDepth = 256;
    bool cycle = false;
    while (chain.size() <= kMaxHierarchyDepth) {
      const auto next = targets(*at, pointer);
      if (next.empty()) return;
      const EntitySummary* n = org.find_any(next.front());
      if (n == nullptr) return;
      if (n == &e) {  // back at the start: e is on a cycle
        cycle = true;
        break;
      }
      if (!seen.insert(n).second) return;  // a cycle that does not pass through e
      chain.push_back(n);
      at = n;
    }
    if (!cycle) return;
    for (const EntitySummary* c : chain)
      if (c->ref < e.ref) return;  // reported at its smallest member
    std::string path;
    for (const EntitySummary* c : chain) path += c->ref + " → ";
    path += e.ref;
    Diagnostic* d = ctx.report_field(
        e, *start, fmt::format("{} forms a cycle: {}", relation_name(pointer), path),
        fmt::format("break the cycle: one of them must not name the other in {}",
                    relation_name(pointer)));
    if (d)
      for (std::size_t i = 1; i < chain.size(); ++i)
        d->notes.push_back(RelatedNote{"part of the cycle", chain[i]->file, chain[i]->name_pos});
  });
}

std::shared_ptr<const CatalogRule> make_conflicting_entity() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex& index, CatalogContext& ctx) {
    if (e.skeleton) return;  // a skeleton is never a duplicate (docs/skeletons.md)
    const Org& org = org_of(index);
    const EntitySummary* there = org.in_catalog(e.ref);
    if (there == nullptr || same_location(e.file, there->file)) return;
    if (org.linted_count(e.ref) > 1) return;  // defined twice in the linted files: duplicate-entity
    Diagnostic* d = ctx.report(
        e, "/metadata/name",
        fmt::format("entity {} is already in the org catalog from {}:{}; Backstage keeps one of "
                    "them and drops the other (\"conflicting entityRef\")",
                    e.ref, there->file, there->name_pos.line),
        "rename one of them, or give it another namespace; or remove the old definition");
    if (d)
      d->notes.push_back(RelatedNote{"the catalog's definition", there->file, there->name_pos});
  });
}

}  // namespace catalog_lint
