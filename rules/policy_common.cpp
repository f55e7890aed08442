#include "policy_common.h"

#include <re2/re2.h>

#include <algorithm>

#include <fmt/format.h>

#include "core/entity_ref.h"
#include "core/node.h"
#include "core/validators.h"

namespace catalog_lint::policy {

const Policy& policy_of(const EntitySummary& e) {
  static const Policy kModelDefaults;  // the model's values (Policy's member initialisers)
  return e.policy ? *e.policy : kModelDefaults;
}

const SummaryField* annotation_key(const EntitySummary& e, std::string_view key) {
  return e.field("/metadata/annotations/" + pointer_token(key));
}

const SummaryField* annotation(const EntitySummary& e, std::string_view name) {
  return annotation_key(e, policy_of(e).annotation(name));
}

SummaryField missing_at(const EntitySummary& e, std::string_view holder) {
  if (const SummaryField* f = e.field(holder)) return *f;
  if (const SummaryField* f = e.field(holder == "/metadata" ? "/spec" : "/metadata")) return *f;
  return SummaryField{"/metadata/name", -1, e.name, e.name_pos, e.name_end, e.name_line};
}

bool kind_in(const EntitySummary& e, std::initializer_list<std::string_view> kinds) {
  const std::string k = to_lower(e.kind);
  return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
}

std::optional<std::string> owner_key(const EntitySummary& e) {
  const SummaryField* owner = e.field("/spec/owner");
  if (owner == nullptr) return std::nullopt;
  const EntityRefParse p = parse_entity_ref(owner->value, "group", e.ns);
  if (!p.ref) return std::nullopt;
  return p.ref->key();
}

Org::Org(const CatalogIndex& index) {
  auto add = [&](const EntitySummary& e) {
    const std::string kind = to_lower(e.kind);
    if (kind == "group") any_group_ = true;
    if (kind != "group" && kind != "user" && kind != "template") return;
    by_ref_.emplace(e.ref, &e);  // the first definition wins; linted files come first
    if (kind == "template")
      for (const SummaryField* t : e.tags())
        if (t->value == "golden-path") golden_templates_.push_back(to_lower(e.name));
  };
  for (const EntitySummary& e : index.entities) {
    add(e);
    first_.emplace(e.ref, &e);
  }
  for (const EntitySummary& e : index.org) add(e);
}

const EntitySummary* Org::first_defined(std::string_view key) const {
  auto it = first_.find(key);
  return it == first_.end() ? nullptr : it->second;
}

std::optional<std::string> Org::nearest_owner(const Policy& policy, const std::string& key,
                                              bool teams_only) const {
  std::lock_guard lock(mutex_);
  auto it = owners_.find({&policy, teams_only});
  if (it == owners_.end()) {
    std::vector<std::string> keys = owner_keys();
    for (const auto& k : policy.known_owners) keys.push_back(k);
    if (teams_only)
      std::erase_if(keys, [](const std::string& k) { return k.starts_with("user:"); });
    it = owners_
             .emplace(std::pair{&policy, teams_only}, std::make_unique<Suggester>(std::move(keys)))
             .first;
  }
  const std::optional<std::string>& near = it->second->nearest(key);
  if (near && plausible_typo(key, *near)) return near;
  return std::nullopt;
}

const Org& org_of(const CatalogIndex& index) {
  std::call_once(index.shared_once, [&] { index.shared = std::make_shared<const Org>(index); });
  return *static_cast<const Org*>(index.shared.get());
}

const EntitySummary* Org::find(const std::string& key) const {
  auto it = by_ref_.find(key);
  return it == by_ref_.end() ? nullptr : it->second;
}

bool Org::known_owner(const std::string& key, const EntitySummary& e) const {
  if (const EntitySummary* f = find(key); f && to_lower(f->kind) != "template") return true;
  const auto& known = policy_of(e).known_owners;
  return std::find(known.begin(), known.end(), key) != known.end();
}

bool Org::has_group_source(const EntitySummary& e) const {
  return any_group_ || !policy_of(e).known_owners.empty();
}

std::vector<std::string> Org::golden_paths(const EntitySummary& e) const {
  std::vector<std::string> out = golden_templates_;
  for (const auto& g : policy_of(e).golden_paths) out.push_back(g);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> Org::owner_keys() const {
  std::vector<std::string> out;
  for (const auto& [key, e] : by_ref_)
    if (to_lower(e->kind) != "template") out.push_back(key);
  std::sort(out.begin(), out.end());
  return out;
}

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::vector<Contact> parse_contacts(std::string_view text, std::string_view ns) {
  // Slack channel names: lower-case letters, digits, - and _, at most 80 characters.
  static const RE2 slack("#[a-z0-9][a-z0-9._-]{0,79}");
  static const RE2 email(R"([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)");
  // PagerDuty object ids: P followed by upper-case letters and digits.
  static const RE2 pagerduty("P[A-Z0-9]{5,13}");
  static const RE2 opsgenie("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
  std::vector<Contact> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    Contact c;
    const std::string_view item = trim(text.substr(start, comma - start));
    c.text = std::string(item);
    start = comma + 1;
    auto rest = [&](std::string_view prefix) { return item.substr(prefix.size()); };
    if (item.empty()) {
      c.error = "an empty contact";
    } else if (item.starts_with("slack:")) {
      c.kind = Contact::Kind::slack;
      if (!RE2::FullMatch(rest("slack:"), slack))
        c.error = "a Slack channel is '#' then 1-80 lower-case letters, digits, '-' or '_'";
    } else if (item.starts_with("email:")) {
      c.kind = Contact::Kind::email;
      if (!RE2::FullMatch(rest("email:"), email)) c.error = "not an email address";
    } else if (item.starts_with("pagerduty:")) {
      c.kind = Contact::Kind::pagerduty;
      if (!RE2::FullMatch(rest("pagerduty:"), pagerduty))
        c.error = "a PagerDuty service id is 'P' then 5-13 upper-case letters or digits";
    } else if (item.starts_with("opsgenie:")) {
      c.kind = Contact::Kind::opsgenie;
      if (!RE2::FullMatch(rest("opsgenie:"), opsgenie)) c.error = "not an Opsgenie team name";
    } else if (item.starts_with("https://") || item.starts_with("http://")) {
      c.kind = Contact::Kind::url;
      if (!item.starts_with("https://") || !validators::url(item))
        c.error = "a URL contact must be a valid https:// URL";
    } else {
      c.kind = Contact::Kind::entity;
      const EntityRefParse p = parse_entity_ref(item, "group", ns);
      if (!p.ref) {
        c.error = "not a contact (slack:, email:, pagerduty:, opsgenie:, https://) or entity ref";
      } else {
        const std::string kind = to_lower(p.ref->kind);
        if (kind != "group" && kind != "user")
          c.error = fmt::format(
              "unknown contact type '{}:'; an entity ref must name a Group "
              "or User",
              p.ref->kind);
        else if (!validators::object_name(p.ref->name) || !validators::dns_label(p.ref->ns))
          c.error = "not a valid entity ref";
        else
          c.ref = p.ref->key();
      }
    }
    out.push_back(std::move(c));
    if (comma == text.size()) break;
  }
  return out;
}

long today_days(const CatalogIndex& index) {
  if (auto d = parse_date_days(index.today)) return *d;
  return *parse_date_days(current_date());
}

namespace {
// Levenshtein distance of `a` and `b` when it is below `limit`, else `limit`. Only the diagonal
// band |i - j| < limit can hold a smaller distance, and a row whose minimum reaches `limit` ends
// the search (every alignment passes through every row): Ukkonen's cut-off, "Algorithms for
// approximate string matching", Information and Control 64 (1985).
std::size_t bounded_distance(std::string_view a, std::string_view b, std::size_t limit) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() >= limit) return limit;
  const std::size_t big = limit;  // any value >= limit stands for "too far"
  std::vector<std::size_t> row(b.size() + 1, big);
  for (std::size_t j = 0; j <= b.size() && j < limit; ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    const std::size_t from = i >= limit ? i - limit + 1 : 1;
    const std::size_t to = std::min(b.size(), i + limit - 1);
    std::size_t diag = row[from - 1];  // D[i-1][from-1]
    row[from - 1] = from == 1 && i < limit ? i : big;
    std::size_t row_min = row[from - 1];
    for (std::size_t j = from; j <= to; ++j) {
      const std::size_t up = row[j];  // D[i-1][j]
      row[j] = std::min({up + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1), big});
      diag = up;
      row_min = std::min(row_min, row[j]);
    }
    if (to < b.size()) row[to + 1] = big;  // outside the band from here on
    if (row_min >= limit) return limit;
  }
  return std::min(row[b.size()], limit);
}
}  // namespace

std::optional<std::string> nearest(std::string_view value,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_d = std::max<std::size_t>(2, value.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = bounded_distance(value, c, best_d);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

bool plausible_typo(std::string_view value, std::string_view suggestion) {
  auto name_length = [](std::string_view s) {
    const std::size_t slash = s.rfind('/');
    return slash == std::string_view::npos ? s.size() : s.size() - slash - 1;
  };
  const std::size_t n = std::min(name_length(value), name_length(suggestion));
  const std::size_t limit = std::max<std::size_t>(1, n / 4) + 1;
  return bounded_distance(value, suggestion, limit) < limit;
}

const std::optional<std::string>& Suggester::nearest(std::string_view value) {
  auto it = memo_.find(std::string(value));
  if (it == memo_.end())
    it = memo_.emplace(std::string(value), policy::nearest(value, candidates_)).first;
  return it->second;
}

}  // namespace catalog_lint::policy
