// Shared lookups for the platform-ownership policy rules (issue 3): the org (Groups, Users,
// Templates among the linted files and `--catalog` folders), annotations under the policy prefix,
// escalation contacts, dates and "did you mean" suggestions.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/date.h"
#include "core/policy.h"
#include "core/rule.h"
#include "rules/rules.h"

namespace catalog_lint::policy {

/// The policy of entity `e`'s file (the built-in default when it has none).
const Policy& policy_of(const EntitySummary& e);

/// The annotation `<prefix><name>` of `e` (prefix from its policy), or nullptr.
const SummaryField* annotation(const EntitySummary& e, std::string_view name);

/// An annotation by its full key (`backstage.io/source-template`), or nullptr.
const SummaryField* annotation_key(const EntitySummary& e, std::string_view key);

/// Where "missing" findings point: the `metadata` key (else the `spec` key, else metadata.name).
SummaryField missing_at(const EntitySummary& e, std::string_view holder = "/metadata");

/// True when `e`'s kind (case-insensitive) is one of `kinds` (lower-case).
bool kind_in(const EntitySummary& e, std::initializer_list<std::string_view> kinds);

/// `spec.owner` as a lower-cased entity ref key (default kind group, namespace of `e`), or
/// std::nullopt when absent or unparsable.
std::optional<std::string> owner_key(const EntitySummary& e);

/// The candidate closest to `value` by Levenshtein distance, if close enough to be a likely typo
/// (distance at most max(2, |value| / 3)); the first in `candidates` order on a tie.
std::optional<std::string> nearest(std::string_view value,
                                   const std::vector<std::string>& candidates);

/// An unsafe fix (a did-you-mean: the author may have meant another entity) that replaces
/// reference field `f` with the ref `key` (lower-cased `kind:namespace/name`), written as short
/// as `f` was: without the kind when `f` had none and it is `default_kind`, without the
/// namespace when `f` had none and it is `ns`. std::nullopt when the field's text cannot be
/// replaced exactly (replace_scalar).
std::optional<Fix> did_you_mean_fix(const SummaryField& f, const std::string& key,
                                    std::string_view default_kind, std::string_view ns);

/// True when `suggestion` is close enough to `value` to offer as "did you mean": at most
/// max(1, n / 4) edits, n being the length of the shorter name part (after the last `/`), so that
/// a value sharing little with the candidate (`payments-team`, `security-team`) gets none.
bool plausible_typo(std::string_view value, std::string_view suggestion);

/// nearest() over a fixed candidate list, remembered per value: a catalog where many entities
/// name the same unknown owner pays for one search, not one per entity.
class Suggester {
 public:
  explicit Suggester(std::vector<std::string> candidates);
  /// As nearest(value, candidates).
  const std::optional<std::string>& nearest(std::string_view value);

 private:
  std::vector<std::string> candidates_;
  std::vector<std::array<std::uint8_t, 16>> signatures_;  ///< letter counts per candidate
  std::unordered_map<std::string, std::optional<std::string>> memo_;
};

/// Lookups over every entity of the run plus the `--catalog` org. Built once per run (org_of)
/// and shared by every catalog rule; thread-safe.
class Org {
 public:
  explicit Org(const CatalogIndex& index);
  /// The first entity of the run with ref key `key` among the linted files, or nullptr.
  const EntitySummary* first_defined(std::string_view key) const;
  /// The nearest known owner to `key` for entities under `policy` (its known_owners are
  /// candidates too; only Groups when `teams_only`), remembered per value: many entities naming
  /// one unknown owner cost one search. Only a plausible_typo() is returned.
  std::optional<std::string> nearest_owner(const Policy& policy, const std::string& key,
                                           bool teams_only = false) const;
  /// The Group, User or Template with ref key `key` (linted entities first), or nullptr.
  const EntitySummary* find(const std::string& key) const;
  /// True when `key` is a Group or User entity, or in `e`'s policy.known_owners.
  bool known_owner(const std::string& key, const EntitySummary& e) const;
  /// True when the org is known for `e`: the run has an org catalog (`catalog:`, `--catalog`) or
  /// `e`'s config says `catalog_complete: true`, and every catalog source could be read. Only
  /// then are owners and references judged;
  /// Groups among the linted files and policy.known_owners are looked up, but never make the
  /// org known by themselves (a partial run would call every other team unknown).
  bool judged(const EntitySummary& e) const;
  /// Why an entity is not judged (after judged() said no), for the one note per run: "no org
  /// catalog is declared", or "the org catalog could not be read" when a source failed.
  std::string_view not_judged_because() const {
    return failed_ ? "the org catalog could not be read (see the unreadable-file error)"
                   : "no org catalog is declared";
  }
  /// The help of that note: where to declare the catalog, or to repair it.
  std::string not_judged_help(std::string_view declare) const;
  /// Any entity with ref key `key`: the linted files first, then the catalog; or nullptr.
  const EntitySummary* find_any(std::string_view key) const;
  /// The ref keys relation list `pointer` of `e` names (`/spec/children`, …), parsed once per
  /// (entity, field) and run: a Group with 10,000 children is read once, not once per child.
  const std::unordered_set<std::string>& relation_targets(const EntitySummary& e,
                                                          std::string_view pointer) const;
  /// How many times the linted files define ref key `key`.
  std::size_t linted_count(std::string_view key) const;
  /// The entity of the org catalog with ref key `key`, or nullptr.
  const EntitySummary* in_catalog(std::string_view key) const;
  /// The nearest ref key to `key` among the entities of its own kind and namespace, when that
  /// kind (lower-case) is one of `kinds`; remembered per value.
  std::optional<std::string> nearest_of_kinds(const std::vector<std::string_view>& kinds,
                                              const std::string& key) const;
  /// Names (lower-case) of Templates tagged `golden-path`, plus `e`'s policy.golden_paths.
  std::vector<std::string> golden_paths(const EntitySummary& e) const;
  /// Ref keys of every Group and User (for suggestions).
  std::vector<std::string> owner_keys() const;

 private:
  std::unordered_map<std::string, const EntitySummary*> by_ref_;
  std::unordered_map<std::string_view, const EntitySummary*> first_;  ///< linted entities only
  mutable std::mutex mutex_;
  mutable std::map<std::pair<const Policy*, bool>, std::unique_ptr<Suggester>> owners_;
  /// `kind:namespace/` → the names under it, for suggestions.
  mutable std::map<std::string, std::unique_ptr<Suggester>> by_prefix_;
  std::unordered_map<std::string_view, const EntitySummary*> all_;      ///< linted, then catalog
  std::unordered_map<std::string_view, const EntitySummary*> catalog_;  ///< the catalog only
  std::unordered_map<std::string_view, std::size_t> linted_;  ///< definitions in linted files
  bool declared_ = false;
  bool failed_ = false;  ///< a catalog source could not be read
  mutable std::mutex targets_mutex_;
  mutable std::map<std::pair<const EntitySummary*, std::string_view>,
                   std::unique_ptr<std::unordered_set<std::string>>>
      targets_;
  std::vector<std::string> golden_templates_;
  /// Version-2 snapshots read on demand, and the first entity of CatalogIndex::org (their
  /// positions among it decide which definition comes first).
  std::vector<CatalogIndex::LazySource> lazy_;
  const EntitySummary* org_begin_ = nullptr;
  /// The first definition of `key` in the catalog: `eager` (from CatalogIndex::org, or nullptr)
  /// unless a lazy source before it has one.
  const EntitySummary* first_in_catalog(std::string_view key, const EntitySummary* eager) const;
};

/// One escalation contact (issue 3 "Escalation"): `slack:#channel`, `email:addr`,
/// `pagerduty:SERVICEID`, `opsgenie:team`, an `https://` URL, or an entity ref to a Group or User.
struct Contact {
  enum class Kind { slack, email, pagerduty, opsgenie, url, entity };
  Kind kind = Kind::entity;
  std::string text;   ///< the item as written (trimmed)
  std::string ref;    ///< entity ref key for Kind::entity
  std::string error;  ///< why it does not parse; empty when valid
  bool paging() const { return kind == Kind::pagerduty || kind == Kind::opsgenie; }
};

/// Splits a comma-separated contact list and parses each item; entity refs default to kind
/// group and namespace `ns`.
std::vector<Contact> parse_contacts(std::string_view text, std::string_view ns);

/// Days since 1970-01-01 of `index.today`.
long today_days(const CatalogIndex& index);

/// True when `source` (where the org catalog has an entity: a file, a path recorded in a
/// snapshot, a location URL) is the linted file `linted` (a path as linted).
bool same_location(const std::string& linted, const std::string& source);

/// The run's Org, built on first use and shared by every catalog rule.
const Org& org_of(const CatalogIndex& index);

/// A catalog rule object from a function (the rule's check).
template <class F>
std::shared_ptr<const CatalogRule> catalog_rule(F check) {
  struct Impl final : CatalogRule {
    explicit Impl(F f) : f_(std::move(f)) {}
    void check(const EntitySummary& e, const CatalogIndex& index,
               CatalogContext& ctx) const override {
      f_(e, index, ctx);
    }
    F f_;
  };
  return std::make_shared<const Impl>(std::move(check));
}

}  // namespace catalog_lint::policy
