// Golden-path rules of the platform-ownership model ("Golden Paths"): services and websites
// follow exactly one approved golden path (a Template tagged `golden-path`, or one listed in
// policy.golden_paths), named by a `golden-path:<template-name>` tag, unless an escape hatch
// applies.
#include <fmt/format.h>

#include <algorithm>

#include "core/entity_ref.h"
#include "policy_common.h"

namespace catalog_lint {
namespace {

using namespace policy;

constexpr std::string_view kTagPrefix = "golden-path:";

class GoldenPathChecker : public Checker {
 public:
  std::vector<std::string_view> rule_ids() const override {
    return {"missing-golden-path", "unknown-golden-path", "multiple-golden-paths",
            "golden-path-template-mismatch"};
  }

  void check_catalog(const CatalogIndex& index, CatalogContext& ctx) const override {
    const Org org(index);
    bool noted = false;
    const std::vector<std::string_view> ids = rule_ids();
    for (const EntitySummary& e : index.entities) {
      if (!ctx.any_enabled_for(ids, e)) continue;  // all of this checker's rules are off
      if (kind_in(e, {"template"})) continue;
      std::vector<const SummaryField*> paths;
      for (const SummaryField* t : e.tags())
        if (t->value.starts_with(kTagPrefix)) paths.push_back(t);

      if (paths.empty()) {
        if (kind_in(e, {"component"}) && (e.type == "service" || e.type == "website") &&
            annotation(e, "escape-hatch") == nullptr)
          ctx.report_field("missing-golden-path", e, missing_at(e),
                           fmt::format("{} '{}' follows no golden path", e.type, e.name),
                           fmt::format("tag it `golden-path:<template-name>` with the template "
                                       "it was created from, or record an escape hatch ({})",
                                       policy_of(e).annotation("escape-hatch")));
        continue;
      }

      const std::vector<std::string> approved = org.golden_paths(e);
      for (const SummaryField* t : paths) {
        const std::string name = t->value.substr(kTagPrefix.size());
        if (approved.empty()) {
          note_once(ctx, noted, "unknown-golden-path", e, *t,
                    "golden-path tags are not checked: no Template tagged golden-path among the "
                    "linted files or --catalog folders, and no policy.golden_paths",
                    "pass the templates' catalog with --catalog PATH, or list the approved "
                    "golden paths in policy.golden_paths");
          continue;
        }
        if (std::find(approved.begin(), approved.end(), name) != approved.end()) continue;
        std::string help = "use the name of a Template tagged golden-path";
        if (auto near = nearest(name, approved))
          help = fmt::format("did you mean 'golden-path:{}'?", *near);
        ctx.report_field("unknown-golden-path", e, *t,
                         fmt::format("tag '{}' names no approved golden path", t->value),
                         std::move(help));
      }

      if (paths.size() > 1)
        ctx.report_field("multiple-golden-paths", e, *paths[1],
                         fmt::format("'{}' is a second golden path; '{}' is already tagged",
                                     paths[1]->value, paths[0]->value),
                         "an entity is created from one template: keep the tag it came from");

      if (const SummaryField* src = annotation_key(e, "backstage.io/source-template")) {
        const EntityRefParse p = parse_entity_ref(src->value, "template", e.ns);
        const std::string tagged = paths[0]->value.substr(kTagPrefix.size());
        if (p.ref && to_lower(p.ref->name) != tagged)
          ctx.report_field("golden-path-template-mismatch", e, *src,
                           fmt::format("source template '{}' is not the tagged golden path '{}'",
                                       src->value, tagged),
                           fmt::format("tag it 'golden-path:{}' if that is the template it came "
                                       "from",
                                       to_lower(p.ref->name)));
      }
    }
  }
};

}  // namespace
}  // namespace catalog_lint

using catalog_lint::GoldenPathChecker;
CATALOG_LINT_REGISTER_CHECKER(GoldenPathChecker)
