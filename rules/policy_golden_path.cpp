// Golden-path rules of the platform-ownership model ("Golden Paths"): services and websites
// follow exactly one approved golden path (a Template tagged `golden-path`, or one listed in
// policy.golden_paths), named by a `golden-path:<template-name>` tag, unless an escape hatch
// applies.
#include <fmt/format.h>

#include <algorithm>

#include "core/edit.h"
#include "core/entity_ref.h"
#include "policy_common.h"

namespace catalog_lint {

using namespace policy;

namespace {

constexpr std::string_view kTagPrefix = "golden-path:";

/// The `golden-path:<name>` tags of `e`, in document order; none for a Template.
std::vector<const SummaryField*> golden_tags(const EntitySummary& e) {
  std::vector<const SummaryField*> paths;
  if (kind_in(e, {"template"})) return paths;
  for (const SummaryField* t : e.tags())
    if (t->value.starts_with(kTagPrefix)) paths.push_back(t);
  return paths;
}

}  // namespace

std::shared_ptr<const CatalogRule> make_missing_golden_path() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    if (kind_in(e, {"template"}) || !golden_tags(e).empty()) return;
    if (kind_in(e, {"component"}) && (e.type == "service" || e.type == "website") &&
        annotation(e, "escape-hatch") == nullptr)
      ctx.report_field(e, missing_at(e),
                       fmt::format("{} '{}' follows no golden path", e.type, e.name),
                       fmt::format("tag it `golden-path:<template-name>` with the template "
                                   "it was created from, or record an escape hatch ({})",
                                   policy_of(e).annotation("escape-hatch")));
  });
}

std::shared_ptr<const CatalogRule> make_unknown_golden_path() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex& index, CatalogContext& ctx) {
    const std::vector<const SummaryField*> paths = golden_tags(e);
    if (paths.empty()) return;
    const Org& org = org_of(index);
    if (!org.judged(e)) {
      ctx.note_once(e, *paths.front(),
                    fmt::format("golden-path tags are not checked: {}, so the approved Templates "
                                "are unknown",
                                org.not_judged_because()),
                    org.not_judged_help("name the org catalog (with the Templates) in "
                                        ".catalog-lint.yaml (`catalog: [path/to/org]`), pass "
                                        "--catalog PATH, or set `catalog_complete: true`"));
      return;
    }
    const std::vector<std::string> approved = org.golden_paths(e);
    for (const SummaryField* t : paths) {
      const std::string name = t->value.substr(kTagPrefix.size());
      if (std::find(approved.begin(), approved.end(), name) != approved.end()) continue;
      std::string help = "use the name of a Template tagged golden-path";
      std::optional<TextEdit> edit;
      if (auto near = nearest(name, approved); near && plausible_typo(name, *near)) {
        help = fmt::format("did you mean 'golden-path:{}'?", *near);
        edit = replace_scalar(t->pos, t->end, t->value, std::string(kTagPrefix) + *near);
      }
      Diagnostic* d = ctx.report_field(
          e, *t, fmt::format("tag '{}' names no approved golden path", t->value), std::move(help));
      // Unsafe: the entity may come from another template, or the approved list may be behind.
      if (d && edit)
        d->fix = single_edit_fix(fmt::format("replace '{}' with '{}'", t->value, edit->text),
                                 FixSafety::unsafe, std::move(*edit));
    }
  });
}

std::shared_ptr<const CatalogRule> make_multiple_golden_paths() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    const std::vector<const SummaryField*> paths = golden_tags(e);
    if (paths.size() > 1)
      ctx.report_field(e, *paths[1],
                       fmt::format("'{}' is a second golden path; '{}' is already tagged",
                                   paths[1]->value, paths[0]->value),
                       "an entity is created from one template: keep the tag it came from");
  });
}

std::shared_ptr<const CatalogRule> make_golden_path_template_mismatch() {
  return catalog_rule([](const EntitySummary& e, const CatalogIndex&, CatalogContext& ctx) {
    const std::vector<const SummaryField*> paths = golden_tags(e);
    if (paths.empty()) return;
    const SummaryField* src = annotation_key(e, "backstage.io/source-template");
    if (src == nullptr) return;
    const EntityRefParse p = parse_entity_ref(src->value, "template", e.ns);
    const std::string tagged = paths[0]->value.substr(kTagPrefix.size());
    if (p.ref && to_lower(p.ref->name) != tagged)
      ctx.report_field(e, *src,
                       fmt::format("source template '{}' is not the tagged golden path '{}'",
                                   src->value, tagged),
                       fmt::format("tag it 'golden-path:{}' if that is the template it came from",
                                   to_lower(p.ref->name)));
  });
}

}  // namespace catalog_lint
