// The registry table: rules/registry.def expanded into rule objects, each with the metadata of
// its rules/<id>.md (parsed at build time: rules/rule_metadata.h).
#include "core/registry.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>

#include "rules/rule_metadata.h"
#include "rules/rules.h"

namespace catalog_lint {

namespace {

struct Entry {
  RuleId id;
  RuleKind kind;
  std::shared_ptr<const EntityRule> (*entity)();
  std::shared_ptr<const CatalogRule> (*catalog)();
};

const std::vector<Entry>& table() {
  static const std::vector<Entry> entries = {
#define ENTITY(symbol, id) {RuleId::symbol, RuleKind::entity, &make_##symbol, nullptr},
#define CATALOG(symbol, id) {RuleId::symbol, RuleKind::catalog, nullptr, &make_##symbol},
#define DECLARATIVE(symbol, id) {RuleId::symbol, RuleKind::declarative, nullptr, nullptr},
#define EMITTED(symbol, id) {RuleId::symbol, RuleKind::emitted, nullptr, nullptr},
#include "rules/registry.def"
#undef ENTITY
#undef CATALOG
#undef DECLARATIVE
#undef EMITTED
  };
  return entries;
}

std::vector<Rule> build() {
  std::map<std::string, RuleInfo, std::less<>> docs;
  for (RuleInfo& info : embedded_rule_infos()) {
    std::string id = info.id;
    if (!docs.emplace(std::move(id), std::move(info)).second)
      throw std::runtime_error("two rule docs have the id " + info.id);
  }
  std::vector<Rule> out;
  for (const Entry& e : table()) {
    const auto it = docs.find(rule_name(e.id));
    if (it == docs.end())
      throw std::runtime_error("no rules/" + std::string(rule_name(e.id)) + ".md");
    Rule r;
    r.id = e.id;
    r.kind = e.kind;
    r.info = std::move(it->second);
    docs.erase(it);
    if (e.entity) r.entity = e.entity();
    if (e.catalog) r.catalog = e.catalog();
    out.push_back(std::move(r));
  }
  if (!docs.empty())
    throw std::runtime_error("rules/" + docs.begin()->first + ".md is not in rules/registry.def");
  return out;
}

}  // namespace

Registry::Registry() {
  try {
    rules_ = build();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "catalog-lint: internal error: rule registry: %s\n", e.what());
    std::abort();
  }
}

const Registry& Registry::instance() {
  static const Registry registry;
  return registry;
}

const Rule* Registry::find_rule(std::string_view id) const {
  const auto rule = find_rule_id(id);
  return rule ? &rules_[static_cast<std::size_t>(*rule)] : nullptr;
}

std::vector<std::string> Registry::ids() const {
  std::vector<std::string> out;
  out.reserve(rules_.size());
  for (const Rule& r : rules_) out.push_back(r.info.id);
  return out;
}

const RuleInfo* Registry::find(std::string_view id) const {
  const Rule* r = find_rule(id);
  return r ? &r->info : nullptr;
}

RuleOptions Registry::options(std::string_view id, const RuleConfig* rules) const {
  static const std::vector<OptionSpec> kNone;
  const RuleInfo* info = find(id);
  return RuleOptions(info ? info->options : kNone, rules ? rules->options(id) : nullptr);
}

// The contexts' option lookups live here, beside the registry that holds the declarations
// (core/rule.h cannot include core/registry.h, which includes it).
RuleOptions EntityContext::options() const {
  return Registry::instance().options(rule_, rules_);
}

RuleOptions CatalogContext::options(const EntitySummary& e) const {
  return Registry::instance().options(rule_, e.rules ? e.rules : run_rules_);
}

RuleOptions CatalogContext::options(const EntitySummary& e, RuleId rule) const {
  return Registry::instance().options(rule_name(rule), e.rules ? e.rules : run_rules_);
}

RuleConfig Registry::defaults() const {
  RuleConfig c;
  for (const Rule& r : rules_)
    c.set(r.info.id, r.info.recommended ? r.info.default_severity : Severity::off);
  return c;
}

Registry Registry::with_entity_check(RuleId id, std::shared_ptr<const EntityRule> check) const {
  Registry copy(*this);
  copy.rules_[static_cast<std::size_t>(id)].entity = std::move(check);
  return copy;
}

Registry Registry::with_catalog_check(RuleId id, std::shared_ptr<const CatalogRule> check) const {
  Registry copy(*this);
  copy.rules_[static_cast<std::size_t>(id)].catalog = std::move(check);
  return copy;
}

}  // namespace catalog_lint
