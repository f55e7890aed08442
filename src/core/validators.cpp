#include "core/validators.h"

#include <re2/re2.h>

namespace catalog_lint::validators {
namespace {
bool full(const RE2& r, std::string_view s) {
  return RE2::FullMatch(s, r);
}
}  // namespace

bool dns_label(std::string_view s) {
  static const RE2 r("[a-z0-9]+(?:-+[a-z0-9]+)*");
  return !s.empty() && s.size() <= 63 && full(r, s);
}

bool dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    if (!dns_label(s.substr(start, dot == std::string_view::npos ? dot : dot - start)))
      return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool object_name(std::string_view s) {
  static const RE2 r("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  return !s.empty() && s.size() <= 63 && full(r, s);
}

namespace {
template <typename P, typename S>
bool prefix_and_or_suffix(std::string_view s, P prefix, S suffix) {
  const std::size_t slash = s.find('/');
  if (slash == std::string_view::npos) return suffix(s);
  if (s.find('/', slash + 1) != std::string_view::npos) return false;
  return prefix(s.substr(0, slash)) && suffix(s.substr(slash + 1));
}
}  // namespace

bool api_version(std::string_view s) {
  static const RE2 r("[a-z0-9A-Z]+");
  return prefix_and_or_suffix(s, dns_subdomain, [](std::string_view x) {
    return !x.empty() && x.size() <= 63 && RE2::FullMatch(x, r);
  });
}

bool kind(std::string_view s) {
  static const RE2 r("[a-zA-Z][a-z0-9A-Z]*");
  return !s.empty() && s.size() <= 63 && full(r, s);
}

bool label_key(std::string_view s) {
  return prefix_and_or_suffix(s, dns_subdomain, object_name);
}

bool label_value(std::string_view s) {
  return s.empty() || object_name(s);
}

bool tag(std::string_view s) {
  static const RE2 r("[a-z0-9:+#]+(-[a-z0-9:+#]+)*");
  return !s.empty() && s.size() <= 63 && full(r, s);
}

bool non_empty_string(std::string_view s) {
  for (char c : s)
    if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')) return true;
  return false;
}

bool url(std::string_view s) {
  static const RE2 scheme_re("([A-Za-z][A-Za-z0-9+.-]*):(.*)");
  // WHATWG strips leading/trailing C0 controls and spaces before parsing.
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
  std::string scheme, rest;
  if (!RE2::FullMatch(s, scheme_re, &scheme, &rest)) return false;
  for (char& c : scheme)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  const bool special = scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss" ||
                       scheme == "ftp" || scheme == "file";
  if (!special) return true;
  std::string_view r = rest;
  while (!r.empty() && (r.front() == '/' || r.front() == '\\')) r.remove_prefix(1);
  std::size_t host_end = r.find_first_of("/\\?#");
  std::string_view authority = r.substr(0, host_end);
  const std::size_t at = authority.rfind('@');
  std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  if (const std::size_t colon = host.rfind(':');
      colon != std::string_view::npos && host.find(']') == std::string_view::npos) {
    std::string_view port = host.substr(colon + 1);
    for (char c : port)
      if (c < '0' || c > '9') return false;
    host = host.substr(0, colon);
  }
  if (host.empty()) return scheme == "file";
  for (char c : host)
    if (c == ' ' || c == '<' || c == '>' || c == '^' || c == '|' || c == '%' || c == '\t')
      return false;
  return true;
}

}  // namespace catalog_lint::validators
