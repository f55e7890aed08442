#include "core/relations.h"

namespace catalog_lint {

const std::vector<RelationField>& relation_fields() {
  static const std::vector<RelationField> fields = [] {
    std::vector<RelationField> f = {
        {"component", "/spec/system", false, "system", {"system"}, "a System"},
        {"component", "/spec/subcomponentOf", false, "component", {"component"}, "a Component"},
        {"component", "/spec/providesApis", true, "api", {"api"}, "an API"},
        {"component", "/spec/consumesApis", true, "api", {"api"}, "an API"},
        {"component",
         "/spec/dependsOn",
         true,
         "",
         {"component", "resource"},
         "a Component or Resource"},
        {"component",
         "/spec/dependencyOf",
         true,
         "",
         {"component", "resource"},
         "a Component or Resource"},
        {"api", "/spec/system", false, "system", {"system"}, "a System"},
        {"resource", "/spec/system", false, "system", {"system"}, "a System"},
        {"resource",
         "/spec/dependsOn",
         true,
         "",
         {"component", "resource"},
         "a Component or Resource"},
        {"resource",
         "/spec/dependencyOf",
         true,
         "",
         {"component", "resource"},
         "a Component or Resource"},
        {"system", "/spec/domain", false, "domain", {"domain"}, "a Domain"},
        {"domain", "/spec/subdomainOf", false, "domain", {"domain"}, "a Domain"},
        {"group", "/spec/parent", false, "group", {"group"}, "a Group"},
        {"group", "/spec/children", true, "group", {"group"}, "a Group"},
        {"group", "/spec/members", true, "user", {"user"}, "a User"},
        {"user", "/spec/memberOf", true, "group", {"group"}, "a Group"},
    };
    for (std::string_view kind : {"component", "api", "resource", "system", "domain", "template"})
      f.push_back(
          {kind, "/spec/owner", false, "group", {"group", "user"}, "a Group or User", true});
    return f;
  }();
  return fields;
}

bool is_value_of(const SummaryField& f, const RelationField& r) {
  if (!r.list) return f.item < 0 && f.base == r.pointer;
  return f.item >= 0 && f.base.size() == r.pointer.size() + 1 && f.base.starts_with(r.pointer);
}

}  // namespace catalog_lint
