#include "policy_common.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>

#include <fmt/format.h>

#include "core/edit.h"
#include "core/entity_ref.h"
#include "core/node.h"
#include "core/relations.h"
#include "core/suggest.h"
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

Org::Org(const CatalogIndex& index) : declared_(index.org_declared), failed_(index.catalog_failed) {
  auto add = [&](const EntitySummary& e) {
    all_.emplace(e.ref, &e);  // the first definition wins; linted files come first
    const std::string kind = to_lower(e.kind);
    if (kind != "group" && kind != "user" && kind != "template") return;
    by_ref_.emplace(e.ref, &e);  // the first definition wins; linted files come first
    if (kind == "template")
      for (const SummaryField* t : e.tags())
        if (t->value == "golden-path") golden_templates_.push_back(to_lower(e.name));
  };
  for (const EntitySummary& e : index.entities) {
    if (e.skeleton) continue;  // defines nothing, duplicates nothing (docs/skeletons.md)
    add(e);
    first_.emplace(e.ref, &e);
    ++linted_[e.ref];
  }
  for (const EntitySummary& e : index.org) {
    add(e);
    catalog_.emplace(e.ref, &e);
  }
  lazy_ = index.lazy_org;
  org_begin_ = index.org.data();
  for (const CatalogIndex::LazySource& l : lazy_)
    for (const EntitySummary* e : l.catalog->entities("template:"))
      if (to_lower(e->kind) == "template")
        for (const SummaryField* t : e->tags())
          if (t->value == "golden-path") golden_templates_.push_back(to_lower(e->name));
}

const EntitySummary* Org::first_in_catalog(std::string_view key, const EntitySummary* eager) const {
  // A lazy source's entities stand at org[org_at]: before an eager entity at org_at or later.
  const std::size_t at = eager ? static_cast<std::size_t>(eager - org_begin_)
                               : std::numeric_limits<std::size_t>::max();
  for (const CatalogIndex::LazySource& l : lazy_) {
    if (l.org_at > at) break;
    if (const EntitySummary* e = l.catalog->find(key)) return e;
  }
  return eager;
}

const EntitySummary* Org::find_any(std::string_view key) const {
  auto it = all_.find(key);
  const EntitySummary* hit = it == all_.end() ? nullptr : it->second;
  if (lazy_.empty() || first_defined(key) != nullptr) return hit;  // the linted files first
  return first_in_catalog(key, hit);
}

const std::unordered_set<std::string>& Org::relation_targets(const EntitySummary& e,
                                                             std::string_view pointer) const {
  std::lock_guard lock(targets_mutex_);
  auto& slot = targets_[{&e, pointer}];
  if (!slot) {
    slot = std::make_unique<std::unordered_set<std::string>>();
    for_each_relation(e, [&](const SummaryField&, const RelationField& r, const EntityRef& ref) {
      if (r.pointer == pointer) slot->insert(ref.key());
    });
  }
  return *slot;
}

std::size_t Org::linted_count(std::string_view key) const {
  auto it = linted_.find(key);
  return it == linted_.end() ? 0 : it->second;
}

const EntitySummary* Org::in_catalog(std::string_view key) const {
  auto it = catalog_.find(key);
  const EntitySummary* hit = it == catalog_.end() ? nullptr : it->second;
  return lazy_.empty() ? hit : first_in_catalog(key, hit);
}

std::optional<std::string> Org::nearest_of_kinds(const std::vector<std::string_view>& kinds,
                                                 const std::string& key) const {
  // Names are compared within the key's own `kind:namespace/`: the shared prefix would only
  // widen the distance bound and the work, never change the answer.
  const std::size_t slash = key.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const std::string prefix = key.substr(0, slash + 1);
  if (std::find(kinds.begin(), kinds.end(), std::string_view(prefix).substr(0, prefix.find(':'))) ==
      kinds.end())
    return std::nullopt;
  std::lock_guard lock(mutex_);
  auto it = by_prefix_.find(prefix);
  if (it == by_prefix_.end()) {
    std::vector<std::string> names;
    for (const auto& [ref, e] : all_)
      if (ref.size() > prefix.size() && ref.starts_with(prefix))
        names.emplace_back(ref.substr(prefix.size()));
    for (const CatalogIndex::LazySource& l : lazy_)
      for (const std::string& ref : l.catalog->keys(prefix))
        if (ref.size() > prefix.size()) names.emplace_back(ref.substr(prefix.size()));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    it = by_prefix_.emplace(prefix, std::make_unique<Suggester>(std::move(names))).first;
  }
  const std::string_view name = std::string_view(key).substr(prefix.size());
  const auto& near = it->second->nearest(name);
  if (!near || !plausible_typo(name, *near)) return std::nullopt;
  return prefix + *near;
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
  const EntitySummary* hit = it == by_ref_.end() ? nullptr : it->second;
  if (lazy_.empty() || first_defined(key) != nullptr) return hit;
  // Only Groups, Users and Templates: the kind is the key's.
  if (!key.starts_with("group:") && !key.starts_with("user:") && !key.starts_with("template:"))
    return hit;
  return first_in_catalog(key, hit);
}

bool Org::known_owner(const std::string& key, const EntitySummary& e) const {
  if (const EntitySummary* f = find(key); f && to_lower(f->kind) != "template") return true;
  const auto& known = policy_of(e).known_owners;
  return std::find(known.begin(), known.end(), key) != known.end();
}

bool Org::judged(const EntitySummary& e) const {
  if (failed_) return false;  // a partial org would make every missing entity a finding
  return declared_ || policy_of(e).org_declared();
}

std::string Org::not_judged_help(std::string_view declare) const {
  if (failed_)
    return "repair or refresh the catalog source the unreadable-file error names (catalog-lint "
           "snapshot)";
  return std::string(declare);
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
  for (const CatalogIndex::LazySource& l : lazy_)
    for (std::string_view prefix : {"group:", "user:"})
      for (std::string& key : l.catalog->keys(prefix)) out.push_back(std::move(key));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
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
/// Letter counts of `s` folded into 16 buckets: half the L1 distance of two signatures is a
/// lower bound of the edit distance (one edit changes at most two counts by one).
std::array<std::uint8_t, 16> signature(std::string_view s) {
  std::array<std::uint8_t, 16> out{};
  for (unsigned char c : s)
    if (out[c & 15] < 255) ++out[c & 15];
  return out;
}

std::size_t signature_bound(const std::array<std::uint8_t, 16>& a,
                            const std::array<std::uint8_t, 16>& b) {
  std::size_t sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
  return (sum + 1) / 2;
}

std::size_t typo_bound(std::string_view value) {
  return std::max<std::size_t>(2, value.size() / 3);
}

}  // namespace

std::optional<std::string> nearest(std::string_view value,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_d = typo_bound(value) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = bounded_distance(value, c, best_d);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

Suggester::Suggester(std::vector<std::string> candidates) : candidates_(std::move(candidates)) {
  signatures_.reserve(candidates_.size());
  for (const std::string& c : candidates_) signatures_.push_back(signature(c));
}

std::optional<Fix> did_you_mean_fix(const SummaryField& f, const std::string& key,
                                    std::string_view default_kind, std::string_view ns) {
  const std::size_t colon = key.find(':'), slash = key.find('/');
  if (colon == std::string::npos || slash == std::string::npos || slash < colon)
    return std::nullopt;
  const std::string_view kind = std::string_view(key).substr(0, colon);
  const std::string_view space = std::string_view(key).substr(colon + 1, slash - colon - 1);
  const std::size_t written_colon = f.value.find(':'), written_slash = f.value.find('/');
  const bool had_kind = written_colon != std::string::npos &&
                        (written_slash == std::string::npos || written_colon < written_slash);
  const bool had_ns = written_slash != std::string::npos;
  std::string text;
  if (had_kind || kind != default_kind) text += std::string(kind) + ":";
  if (had_ns || space != to_lower(ns)) text += std::string(space) + "/";
  text += key.substr(slash + 1);
  auto edit = replace_scalar(f.pos, f.end, f.value, text);
  if (!edit) return std::nullopt;
  return single_edit_fix(fmt::format("replace '{}' with '{}'", f.value, text), FixSafety::unsafe,
                         std::move(*edit));
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
  if (it != memo_.end()) return it->second;
  // As policy::nearest, with two cheap lower bounds (length, letter counts) tried before the
  // distance itself: most candidates of a large catalog are rejected in a few operations.
  std::optional<std::string> best;
  std::size_t best_d = typo_bound(value) + 1;
  const auto sig = signature(value);
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    const std::string& c = candidates_[i];
    const std::size_t diff =
        c.size() > value.size() ? c.size() - value.size() : value.size() - c.size();
    if (diff >= best_d || signature_bound(sig, signatures_[i]) >= best_d) continue;
    const std::size_t d = bounded_distance(value, c, best_d);
    if (d < best_d) best_d = d, best = c;
  }
  return memo_.emplace(std::string(value), std::move(best)).first->second;
}

bool same_location(const std::string& linted, const std::string& source) {
  namespace fs = std::filesystem;
  if (linted == source) return true;
  std::error_code ec;
  if (fs::exists(source, ec)) return fs::equivalent(linted, source, ec);
  // A path recorded elsewhere (a snapshot: relative to its repository; an API export: the
  // location URL): the same file when the linted file's absolute path ends with it, once a
  // `url:` prefix and a forge URL's `…/blob/<branch>/` or `…/tree/<branch>/` are dropped.
  std::string_view rel = source;
  if (rel.starts_with("url:")) rel.remove_prefix(4);
  if (rel.starts_with("file:")) rel.remove_prefix(5);
  for (std::string_view marker : {"/blob/", "/tree/", "/-/blob/"})
    if (auto at = rel.find(marker); at != std::string_view::npos) {
      rel.remove_prefix(at + marker.size());
      if (auto slash = rel.find('/'); slash != std::string_view::npos) rel.remove_prefix(slash + 1);
      break;
    }
  while (rel.starts_with("./")) rel.remove_prefix(2);
  if (rel.empty() || rel.starts_with("/")) return false;
  const std::string abs = fs::absolute(fs::path(linted), ec).lexically_normal().string();
  return abs.size() > rel.size() && abs.ends_with(rel) && abs[abs.size() - rel.size() - 1] == '/';
}

}  // namespace catalog_lint::policy
