#include "core/entity_ref.h"

#include <fmt/format.h>

namespace catalog_lint {

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string EntityRef::key() const {
  return to_lower(kind) + ":" + to_lower(ns) + "/" + to_lower(name);
}

EntityRefParse parse_entity_ref(std::string_view text, std::string_view default_kind,
                                std::string_view default_namespace) {
  EntityRefParse out;
  if (text.empty()) {
    out.error = "Entity reference must not be empty";
    return out;
  }
  std::size_t colon = text.find(':');
  const std::size_t slash = text.find('/');
  if (slash != std::string_view::npos && colon != std::string_view::npos && slash < colon)
    colon = std::string_view::npos;
  std::string_view kind, ns, name;
  bool has_kind = colon != std::string_view::npos;
  bool has_ns = slash != std::string_view::npos;
  if (has_kind) kind = text.substr(0, colon);
  const std::size_t ns_begin = has_kind ? colon + 1 : 0;
  if (has_ns) ns = text.substr(ns_begin, slash - ns_begin);
  const std::size_t name_begin = has_ns ? slash + 1 : ns_begin;
  name = text.substr(name_begin);
  if ((has_kind && kind.empty()) || (has_ns && ns.empty()) || name.empty()) {
    out.error = fmt::format(
        "Entity reference \"{}\" was not on the form [<kind>:][<namespace>/]<name>", text);
    return out;
  }
  EntityRef ref;
  ref.kind = has_kind ? std::string(kind) : std::string(default_kind);
  ref.ns = has_ns ? std::string(ns) : std::string(default_namespace);
  ref.name = std::string(name);
  if (ref.kind.empty()) {
    out.error = fmt::format(
        "Entity reference \"{}\" had missing or empty kind (e.g. did not start with "
        "\"component:\" or similar)",
        text);
    return out;
  }
  out.ref = std::move(ref);
  return out;
}

}  // namespace catalog_lint
