#include "core/entity_ref.h"

#include <fmt/format.h>

#include <algorithm>

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

std::optional<std::string> swapped_kind_namespace(std::string_view text,
                                                  bool (*is_kind)(std::string_view)) {
  const std::size_t colon = text.find(':');
  const std::size_t slash = text.find('/');
  if (colon == std::string_view::npos || slash == std::string_view::npos) return std::nullopt;
  // The two parts before the name, in the order written, and the name.
  const std::size_t first_end = std::min(colon, slash), second_end = std::max(colon, slash);
  const std::string_view first = text.substr(0, first_end);
  const std::string_view second = text.substr(first_end + 1, second_end - first_end - 1);
  const std::string_view name = text.substr(second_end + 1);
  if (first.empty() || second.empty() || name.empty()) return std::nullopt;
  if (name.find_first_of(":/") != std::string_view::npos) return std::nullopt;
  // `kind/namespace:name`: the kind comes first, followed by a slash.
  if (slash < colon && is_kind(first) && !is_kind(second))
    return fmt::format("{}:{}/{}", first, second, name);
  // `namespace:kind/name`: a known kind in the namespace's place, none in the kind's.
  if (colon < slash && is_kind(second) && !is_kind(first))
    return fmt::format("{}:{}/{}", second, first, name);
  return std::nullopt;
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
