#include "kinds.h"

#include "core/entity_ref.h"

namespace catalog_lint {
namespace {

using namespace schema;

const Field kNonEmptyString{.types = kString, .non_empty = true};
const Field kAnyString{.types = kString};

Field str(std::string_view name, bool required = false) {
  return Field{.name = name, .types = kString, .required = required, .non_empty = true};
}
Field plain_str(std::string_view name) {
  return Field{.name = name, .types = kString};
}
Field str_list(std::string_view name, bool required = false) {
  return Field{.name = name, .types = kArray, .required = required, .items = &kNonEmptyString};
}
Field obj(std::string_view name, const Object* o = nullptr) {
  return Field{.name = name, .types = kObject, .object = o};
}

const Object kProfile{{str("displayName"), str("email"), str("picture")}};

const Object kComponentSpec{{str("type", true), str("lifecycle", true), str("owner", true),
                             str("system"), str("subcomponentOf"), str_list("providesApis"),
                             str_list("consumesApis"), str_list("dependsOn")}};
const Object kApiSpec{{str("type", true), str("lifecycle", true), str("owner", true), str("system"),
                       str("definition", true)}};
const Object kResourceSpec{
    {str("type", true), str("owner", true), str_list("dependsOn"), str("system")}};
const Object kSystemSpec{{str("owner", true), str("domain"), str("type")}};
const Object kDomainSpec{{str("owner", true), str("subdomainOf"), str("type")}};
const Object kGroupSpec{{str("type", true), obj("profile", &kProfile), str("parent"),
                         str_list("children", true), str_list("members")}};
const Object kUserSpec{{obj("profile", &kProfile), str_list("memberOf", true)}};
const Object kLocationSpec{
    {str("type"), str("target"), str_list("targets"),
     Field{.name = "presence", .types = kString, .one_of = {"required", "optional"}}}};

// Template (scaffolder.backstage.io/v1beta3).
const Object kPermissions{{Field{.name = "tags", .types = kArray, .items = &kAnyString}}};
const Object kParameterItem{{Field{.name = "when", .types = kString | kBoolean},
                             obj("backstage:permissions", &kPermissions)}};
const Field kParameterItemField{.types = kObject, .object = &kParameterItem};
const Object kParametersObject{{obj("backstage:permissions", &kPermissions)}};
const Object kStep{{plain_str("id"), plain_str("name"),
                    Field{.name = "action", .types = kString, .required = true}, obj("input"),
                    Field{.name = "if", .types = kString | kBoolean},
                    obj("backstage:permissions", &kPermissions)}};
const Field kStepField{.types = kObject, .object = &kStep};
const Object kSecrets{{obj("schema")}};
const Object kButtonLabels{
    {plain_str("backButtonText"), plain_str("createButtonText"), plain_str("reviewButtonText")}};
const Object kPresentation{{obj("buttonLabels", &kButtonLabels)}};
const Object kRecovery{{plain_str("EXPERIMENTAL_strategy")}};
const Object kDecorator{{plain_str("id"), obj("input")}};
const Field kDecoratorField{.types = kObject, .object = &kDecorator};
const Object kOutputLink{{Field{.name = "if", .types = kString | kBoolean}, str("url"),
                          str("entityRef"), str("title"), str("icon")}};
const Field kOutputLinkField{.types = kObject, .object = &kOutputLink};
const Object kOutputText{{Field{.name = "if", .types = kString | kBoolean}, str("title"),
                          str("icon"), plain_str("content")}};
const Field kOutputTextField{.types = kObject, .object = &kOutputText};
const Object kOutput{{Field{.name = "links", .types = kArray, .items = &kOutputLinkField},
                      Field{.name = "text", .types = kArray, .items = &kOutputTextField}},
                     kString};
const Object kTemplateSpec{{
    str("type", true),
    str("owner"),
    str("lifecycle"),
    Field{.name = "parameters",
          .types = kObject | kArray,
          .object = &kParametersObject,
          .items = &kParameterItemField},
    obj("secrets", &kSecrets),
    obj("presentation", &kPresentation),
    obj("EXPERIMENTAL_recovery", &kRecovery),
    Field{.name = "formDecorators", .types = kArray, .items = &kDecoratorField},
    Field{.name = "EXPERIMENTAL_formDecorators", .types = kArray, .items = &kDecoratorField},
    Field{.name = "steps", .types = kArray, .required = true, .items = &kStepField},
    obj("output", &kOutput),
}};

const std::vector<std::string_view> kCoreVersions{"backstage.io/v1alpha1", "backstage.io/v1beta1"};

const std::vector<KindInfo>& kinds() {
  static const std::vector<KindInfo> all{
      {"Component",
       kCoreVersions,
       &kComponentSpec,
       {{"owner", false, "Group"},
        {"system", false, "System"},
        {"subcomponentOf", false, "Component"},
        {"providesApis", true, "API"},
        {"consumesApis", true, "API"},
        {"dependsOn", true, ""},
        {"dependencyOf", true, ""}}},
      {"API", kCoreVersions, &kApiSpec, {{"owner", false, "Group"}, {"system", false, "System"}}},
      {"Resource",
       kCoreVersions,
       &kResourceSpec,
       {{"owner", false, "Group"},
        {"dependsOn", true, ""},
        {"dependencyOf", true, ""},
        {"system", false, "System"}}},
      {"System",
       kCoreVersions,
       &kSystemSpec,
       {{"owner", false, "Group"}, {"domain", false, "Domain"}}},
      {"Domain",
       kCoreVersions,
       &kDomainSpec,
       {{"owner", false, "Group"}, {"subdomainOf", false, "Domain"}}},
      {"Group",
       kCoreVersions,
       &kGroupSpec,
       {{"parent", false, "Group"}, {"children", true, "Group"}, {"members", true, "User"}}},
      {"User", kCoreVersions, &kUserSpec, {{"memberOf", true, "Group"}}},
      {"Location", kCoreVersions, &kLocationSpec, {}},
      {"Template",
       {"scaffolder.backstage.io/v1beta3"},
       &kTemplateSpec,
       {{"owner", false, "Group"}}},
  };
  return all;
}

}  // namespace

const KindInfo* find_kind(std::string_view kind) {
  for (const KindInfo& k : kinds())
    if (k.name == kind) return &k;
  return nullptr;
}

const KindInfo* find_kind_case_insensitive(std::string_view kind) {
  const std::string lower = to_lower(kind);
  for (const KindInfo& k : kinds())
    if (to_lower(k.name) == lower) return &k;
  return nullptr;
}

std::optional<std::string> unswapped_reference(std::string_view text) {
  const auto swapped = swapped_kind_namespace(
      text, [](std::string_view part) { return find_kind_case_insensitive(part) != nullptr; });
  if (!swapped) return std::nullopt;
  const std::size_t colon = swapped->find(':');
  return to_lower(swapped->substr(0, colon)) + swapped->substr(colon);
}

std::optional<std::string> kind_written_as_namespace(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return std::nullopt;
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash + 1 >= text.size() ||
      text.find('/', slash + 1) != std::string_view::npos)
    return std::nullopt;
  const std::string_view ns = text.substr(0, slash);
  if (find_kind_case_insensitive(ns) == nullptr) return std::nullopt;
  return to_lower(ns) + ":" + std::string(text.substr(slash + 1));
}

}  // namespace catalog_lint
