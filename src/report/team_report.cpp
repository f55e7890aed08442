// The team report's model: entity records from a lint run, aggregation by team, input checks,
// merge and comparison (docs/report.md).
#include "report/team_report.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <sys/stat.h>

#include <fmt/format.h>

#include "core/date.h"
#include "core/entity_ref.h"
#include "core/json_text.h"
#include "core/parallel.h"
#include "core/report_levels.h"
#include "core/source.h"
#include "core/summary.h"
#include "core/version.h"

namespace catalog_lint::team {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPass = "pass";
constexpr std::string_view kFail = "fail";
constexpr std::string_view kNotApplicable = "not-applicable";
constexpr std::string_view kNotMeasured = "not-measured";

bool in(std::string_view x, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), x) != set.end();
}

std::string relative_to(const std::string& file, const std::string& root) {
  if (root.empty() || file.empty() || file.front() == '<') return file;
  std::error_code ec;
  const fs::path abs = fs::weakly_canonical(fs::absolute(file, ec), ec);
  const fs::path rel = abs.lexically_relative(root);
  if (rel.empty() || rel.native().starts_with("..")) return file;
  return rel.generic_string();
}

const SummaryField* annotation(const EntitySummary& e, std::string_view name) {
  if (e.policy == nullptr) return nullptr;
  std::string pointer = "/metadata/annotations/";
  for (char c : e.policy->annotation(name)) {
    if (c == '~')
      pointer += "~0";
    else if (c == '/')
      pointer += "~1";
    else
      pointer += c;
  }
  const SummaryField* f = e.field(pointer);
  return f != nullptr && !f->value.empty() ? f : nullptr;
}

Json text_or_null(const SummaryField* f) {
  return f ? Json(f->value) : Json(nullptr);
}

// Whether declarative rule `r` selects `e` by kind, type, lifecycle and namespace. Tags: only
// golden-path tags are kept in summaries, so a has_tag selector naming another tag is taken to
// match (the area is then judged by its findings alone).
bool selects(const DeclarativeRule& r, const EntitySummary& e) {
  auto has = [](const std::vector<std::string>& list, std::string_view v, bool fold) {
    if (list.empty()) return true;
    return std::any_of(list.begin(), list.end(), [&](const std::string& x) {
      return fold ? to_lower(x) == to_lower(v) : x == v;
    });
  };
  if (!has(r.kinds, e.kind, true) || !has(r.types, e.type, false) ||
      !has(r.lifecycles, e.lifecycle, false) || !has(r.namespaces, e.ns, false))
    return false;
  if (r.has_tags.empty()) return true;
  for (const std::string& t : r.has_tags) {
    if (!t.starts_with("golden-path")) return true;
    for (const SummaryField* kept : e.tags())
      if (kept->value == t) return true;
  }
  return false;
}

std::vector<const SummaryField*> golden_tags(const EntitySummary& e) {
  std::vector<const SummaryField*> out;
  if (to_lower(e.kind) == "template") return out;
  for (const SummaryField* t : e.tags())
    if (t->value.starts_with("golden-path:")) out.push_back(t);
  return out;
}

double share(std::int64_t num, std::int64_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}
Json share_or_null(std::int64_t num, std::int64_t den) {
  return den == 0 ? Json(nullptr) : Json(share(num, den));
}

// `object` with `key` = `value` placed right after the key `after` (the schema's order).
void insert_after(Json& object, std::string_view after, const std::string& key, Json value) {
  Json ordered = Json::object();
  for (auto& [k, v] : object.items()) {
    ordered[k] = std::move(v);
    if (k == after) ordered[key] = std::move(value);
  }
  object = std::move(ordered);
}

}  // namespace

const std::vector<std::string>& area_ids() {
  return report_area_ids();
}

std::string area_of(std::string_view rule, std::string_view category) {
  if (rule == "internal-error" || rule == "invalid-config" || category == "suppression") return "";
  if (rule == "missing-cost-center") return "cost";
  if (rule == "missing-data-classification") return "data-classification";
  if (in(category, {"backstage", "yaml", "input"})) return "backstage";
  if (in(category, {"catalog", "references"})) return "references";
  if (category == "ownership") return "ownership";
  if (category == "escalation") return "escalation";
  if (category == "golden-path") return "golden-paths";
  if (category == "escape-hatch") return "escape-hatches";
  if (category == "change-notice") return "change-notice";
  return "declarative";  // a declarative rule of the repository's own (category policy or other)
}

std::vector<ReportLevel> default_levels() {
  return {
      {"bronze", {"backstage", "ownership"}},
      {"silver", {"escalation", "references", "change-notice"}},
      {"gold", {"golden-paths", "escape-hatches", "cost", "data-classification", "declarative"}}};
}

std::optional<std::string> check_levels(const std::vector<ReportLevel>& levels,
                                        const std::vector<std::string>& rule_ids) {
  if (levels.empty()) return "report.levels is empty";
  for (const ReportLevel& l : levels) {
    if (l.require.empty()) return fmt::format("report.levels '{}' requires nothing", l.name);
    for (const std::string& r : l.require) {
      const auto& a = area_ids();
      if (std::find(a.begin(), a.end(), r) == a.end() &&
          std::find(rule_ids.begin(), rule_ids.end(), r) == rule_ids.end())
        return fmt::format(
            "report.levels '{}' requires '{}', which is neither a policy area ({}) nor a rule id",
            l.name, r, fmt::join(a, ", "));
    }
  }
  return std::nullopt;
}

// ---- build: entity records from a lint run ----

namespace {

// The number of areas (area_ids().size(), checked by Records), for per-area arrays.
constexpr std::size_t kAreaCount = 10;

// The position of `area` in area_ids(); kAreaCount for none ("", a tool's own finding).
std::size_t area_index(std::string_view area) {
  const auto& ids = area_ids();
  return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), area) - ids.begin());
}

// File paths relative to the repository root as relative_to() makes them (symbolic links
// resolved; a file outside the root, or not on disk, kept as given), with the canonical form of
// each directory found once: relative_to() for every entity and finding was about 6 readlink
// calls each (a million at 100k files). Filled before the records are made (add() is not
// thread-safe); operator[] only reads.
class RelativePaths {
 public:
  explicit RelativePaths(std::string root) : root_(std::move(root)) {
    std::error_code ec;
    cwd_ = fs::current_path(ec).string();
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  }
  /// Finds the paths of `files` on up to `jobs` threads, each over a run of the files with its
  /// own directory cache.
  void add(const std::vector<std::string_view>& files, unsigned jobs) {
    std::vector<std::string_view> todo;
    for (const std::string_view f : files)
      if (files_.try_emplace(std::string(f)).second) todo.push_back(f);
    std::vector<std::string> found(todo.size());
    const std::size_t runs = std::max(1u, jobs);
    parallel_for(
        runs, jobs,
        [&](std::size_t r) {
          Resolver resolver{root_, cwd_, {}};
          for (std::size_t i = todo.size() * r / runs; i < todo.size() * (r + 1) / runs; ++i)
            found[i] = resolver.relative(std::string(todo[i]));
        },
        todo.size() < 1024 ? runs + 1 : 1);  // few files: one thread
    for (std::size_t i = 0; i < todo.size(); ++i)
      files_[std::string(todo[i])] = std::move(found[i]);
  }
  /// The relative path of a file given to add() (else relative_to()'s).
  std::string operator[](const std::string& file) const {
    const auto it = files_.find(file);
    return it != files_.end() ? it->second : relative_to(file, root_);
  }

 private:
  struct Resolver {
    const std::string& root;
    const std::string& cwd;
    std::unordered_map<std::string, std::string> dirs;

    std::string relative(const std::string& file) {
      if (root.empty() || file.empty() || file.front() == '<') return file;
      if (file.front() != '/' && (cwd.empty() || cwd.front() != '/'))
        return relative_to(file, root);
      // The absolute path, lexically normal: empty and "." components dropped. ".." after a
      // symbolic link is not its lexical parent, so a path with ".." takes relative_to().
      std::string abs;
      const std::string joined = file.front() == '/' ? file : cwd + "/" + file;
      abs.reserve(joined.size());
      for (std::size_t at = 0; at < joined.size();) {
        const std::size_t end = std::min(joined.find('/', at), joined.size());
        const std::string_view c(joined.data() + at, end - at);
        if (c == "..") return relative_to(file, root);
        if (!c.empty() && c != ".") abs.append("/").append(c);
        at = end + 1;
      }
      struct stat st {};
      if (abs.empty() || ::lstat(abs.c_str(), &st) != 0 || S_ISLNK(st.st_mode))
        return relative_to(file, root);
      const std::size_t slash = abs.rfind('/');
      const std::string canonical = canonical_dir(abs.substr(0, slash)) + abs.substr(slash);
      if (root == "/") return canonical.size() > 1 ? canonical.substr(1) : file;
      if (!canonical.starts_with(root) || canonical.size() <= root.size() + 1 ||
          canonical[root.size()] != '/')
        return file;
      return canonical.substr(root.size() + 1);
    }
    // `dir` (absolute, lexically normal, no ".."; "" for "/") with its symbolic links resolved.
    std::string canonical_dir(const std::string& dir) {
      if (dir.empty()) return dir;
      if (const auto it = dirs.find(dir); it != dirs.end()) return it->second;
      std::string out;
      struct stat st {};
      if (::lstat(dir.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) {
        std::error_code ec;
        out = fs::weakly_canonical(dir, ec).string();
        if (ec || out == "/") out = ec ? dir : std::string();
      } else {
        const std::size_t slash = dir.rfind('/');
        out = canonical_dir(dir.substr(0, slash)) + dir.substr(slash);
      }
      dirs.emplace(dir, out);
      return out;
    }
  };
  std::string root_, cwd_;
  std::unordered_map<std::string, std::string> files_;
};

// One finding of a record or of `unattributed_findings`.
Json finding(const Diagnostic& d, const RelativePaths& paths) {
  return Json{{"rule", d.rule},
              {"severity", std::string(to_string(d.severity))},
              {"area", area_of(d.rule, d.category)},
              {"message", d.message},
              {"file", paths[d.file]},
              {"line", d.start.line},
              {"column", d.start.column}};
}

// What build() and build_json() share: the lint result's findings by entity, the entity records
// (make(), safe on several threads: it reads only the lint result) and the report around them.
class Records {
 public:
  Records(const LintResult& result, const BuildOptions& options);
  /// Positions in the index's entities: the first of each ref, in ref order (the lint reports the
  /// others as duplicate-entity).
  const std::vector<std::size_t>& order() const { return order_; }
  /// The record of the index's entity `i`, without `team` and `level` (Aggregator::classify).
  Json make(std::size_t i) const;
  /// The report with an empty `entities` array and without `teams` and `org`.
  Json frame() const;

 private:
  const CatalogIndex& index_;
  const BuildOptions& options_;
  const Registry& registry_ = Registry::instance();
  std::vector<ReportLevel> levels_;
  std::set<std::string> rule_requirements_;
  // (file, document) of an entity
  struct Place {
    std::string_view file;
    int document = 0;
    bool operator==(const Place&) const = default;
  };
  struct PlaceHash {
    std::size_t operator()(const Place& p) const {
      return std::hash<std::string_view>{}(p.file) * 31 + static_cast<std::size_t>(p.document);
    }
  };
  std::unordered_map<Place, std::vector<const Diagnostic*>, PlaceHash> by_entity_;
  Json unattributed_ = Json::array();
  Json repository_;
  bool org_known_ = false;
  const DeclarativeRule* builtin_cost_ = nullptr;
  const DeclarativeRule* builtin_class_ = nullptr;
  std::vector<std::size_t> order_;
  RelativePaths paths_;
  // What an entity's rule config and policy decide for every entity that has them (a few
  // distinct pairs in a run): looked up per entity, not recomputed from the 60 rules.
  struct Setup {
    std::array<bool, kAreaCount> measured{};  // some enabled rule of the area (cost, data
                                              // classification: a config's rule)
    const DeclarativeRule* cost_rule = nullptr;
    const DeclarativeRule* class_rule = nullptr;
    std::vector<const DeclarativeRule*> declarative;  // enabled, of area "declarative"
  };
  std::map<std::pair<const RuleConfig*, const Policy*>, Setup> setups_;
};

Records::Records(const LintResult& result, const BuildOptions& options)
    : index_(*result.index),
      options_(options),
      levels_(options.levels.empty() ? default_levels() : options.levels),
      repository_(options.repository),
      paths_(options.root) {
  if (area_ids().size() != kAreaCount)
    throw std::logic_error("team report: kAreaCount is not the number of areas");
  for (const ReportLevel& l : levels_)
    for (const std::string& r : l.require)
      if (std::find(area_ids().begin(), area_ids().end(), r) == area_ids().end())
        rule_requirements_.insert(r);
  // Findings by entity (file, document); the others are unattributed. The files' paths first.
  std::vector<std::string_view> files;
  for (const EntitySummary& e : index_.entities)
    if (!e.ref.empty()) files.push_back(e.file), by_entity_.try_emplace({e.file, e.document});
  for (const Diagnostic& d : result.diagnostics)
    if (!d.suppressed && d.fixed_severity != Severity::note) files.push_back(d.file);
  paths_.add(files, options.jobs);
  for (const Diagnostic& d : result.diagnostics) {
    if (d.suppressed || d.fixed_severity == Severity::note) continue;
    const auto at = by_entity_.find(Place{d.file, d.document});
    if (!d.entity.empty() && at != by_entity_.end()) {
      at->second.push_back(&d);
    } else {
      Json f = finding(d, paths_);
      f["repository"] = repository_;  // no entity says which repository it is of
      unattributed_.push_back(std::move(f));
    }
  }
  org_known_ = index_.org_declared && !index_.catalog_failed;
  // Without a config's rule, cost and data classification still apply only where the built-in
  // rule would select (cost: Components and Resources; data classification: data stores): an
  // API without a config is not "without cost centre" (a new-user trial).
  const auto builtin = [](std::string_view area) -> const DeclarativeRule* {
    for (const auto& d : builtin_config().policy.declarative_rules)
      if (area_of(d->info.id, d->info.category) == area) return d.get();
    return nullptr;
  };
  builtin_cost_ = builtin("cost");
  builtin_class_ = builtin("data-classification");
  for (const EntitySummary& e : index_.entities) {
    if (e.ref.empty()) continue;
    const auto [at, fresh] = setups_.try_emplace({e.rules, e.policy});
    if (!fresh) continue;
    Setup& setup = at->second;
    auto enabled = [&](std::string_view id) { return e.rules == nullptr || e.rules->enabled(id); };
    for (const Rule& r : registry_.rules())
      if (const std::size_t a = area_index(area_of(r.info.id, r.info.category));
          a < kAreaCount && enabled(r.info.id))
        setup.measured[a] = true;
    if (e.policy != nullptr)
      for (const auto& d : e.policy->declarative_rules) {
        if (!enabled(d->info.id)) continue;
        const std::string a = area_of(d->info.id, d->info.category);
        if (a == "cost")
          setup.cost_rule = d.get();
        else if (a == "data-classification")
          setup.class_rule = d.get();
        else if (a == "declarative")
          setup.declarative.push_back(d.get());
      }
    setup.measured[area_index("cost")] = setup.cost_rule != nullptr;
    setup.measured[area_index("data-classification")] = setup.class_rule != nullptr;
    if (!org_known_)
      setup.measured[area_index("ownership")] = setup.measured[area_index("references")] = false;
    if (!org_known_) setup.measured[area_index("escalation")] = false;
  }
  // Sorted by (ref, position): the first of each ref is the first of its run.
  std::vector<std::pair<std::string_view, std::size_t>> refs;
  refs.reserve(index_.entities.size());
  for (std::size_t i = 0; i < index_.entities.size(); ++i)
    if (!index_.entities[i].ref.empty()) refs.emplace_back(index_.entities[i].ref, i);
  std::sort(refs.begin(), refs.end());
  order_.reserve(refs.size());
  for (std::size_t k = 0; k < refs.size(); ++k)
    if (k == 0 || refs[k].first != refs[k - 1].first) order_.push_back(refs[k].second);
}

Json Records::make(std::size_t i) const {
  const EntitySummary& e = index_.entities[i];
  const RuleConfig* rules = e.rules;
  const Policy* policy = e.policy;
  const std::string kind = to_lower(e.kind);
  static const std::vector<const Diagnostic*> kNoFindings;
  const auto at = by_entity_.find({e.file, e.document});
  const std::vector<const Diagnostic*>& found = at == by_entity_.end() ? kNoFindings : at->second;
  // The rules of each area and whether any runs for this entity.
  auto enabled = [&](std::string_view id) { return rules == nullptr || rules->enabled(id); };
  const Setup& setup = setups_.at({rules, policy});
  bool other_declarative = false;
  for (const DeclarativeRule* d : setup.declarative)
    if (selects(*d, e)) {
      other_declarative = true;
      break;
    }
  std::array<bool, kAreaCount> measured = setup.measured;
  measured[area_index("declarative")] = other_declarative;
  // Escalation contacts come from the owner's Group: without a known org, or with an owner
  // that resolves to nothing, nobody can be called, whatever the entity's own findings say.
  const bool owner_unknown = std::any_of(found.begin(), found.end(), [](const Diagnostic* d) {
    return d->rule == rule_name(RuleId::unknown_owner);
  });
  if (!org_known_ || owner_unknown) measured[area_index("escalation")] = false;
  std::array<bool, kAreaCount> failed{};
  for (const Diagnostic* d : found)
    if (const std::size_t a = area_index(area_of(d->rule, d->category)); a < kAreaCount)
      failed[a] = true;
  const SummaryField* hatch = annotation(e, "escape-hatch");
  const auto tags = golden_tags(e);
  auto applicable = [&](std::string_view area) {
    if (area == "ownership")
      return in(kind, {"component", "api", "resource", "system", "domain", "template"});
    if (area == "escalation") return in(kind, {"component", "api", "resource", "system"});
    if (area == "golden-paths")
      return !tags.empty() ||
             (kind == "component" && in(e.type, {"service", "website"}) && hatch == nullptr);
    if (area == "escape-hatches") return hatch != nullptr;
    if (area == "change-notice") return e.lifecycle == "deprecated";
    if (area == "cost") {
      const DeclarativeRule* r = setup.cost_rule ? setup.cost_rule : builtin_cost_;
      return r == nullptr || selects(*r, e);
    }
    if (area == "data-classification") {
      const DeclarativeRule* r = setup.class_rule ? setup.class_rule : builtin_class_;
      return r == nullptr || selects(*r, e);
    }
    if (area == "declarative") return other_declarative;
    return true;
  };
  Json areas = Json::object();
  for (std::size_t a = 0; a < kAreaCount; ++a) {
    const std::string& id = area_ids()[a];
    areas[id] = std::string(failed[a]         ? kFail
                            : !applicable(id) ? kNotApplicable
                            : !measured[a]    ? kNotMeasured
                                              : kPass);
  }
  Json rule_states = Json::object();
  for (const std::string& id : rule_requirements_) {
    const bool failed =
        std::any_of(found.begin(), found.end(), [&](const Diagnostic* d) { return d->rule == id; });
    std::string area;
    if (const RuleInfo* info = registry_.find(id)) area = area_of(id, info->category);
    if (policy != nullptr)
      for (const auto& d : policy->declarative_rules)
        if (d->info.id == id) area = area_of(id, d->info.category);
    const std::string area_state =
        area.empty() ? std::string(kPass) : areas[area].get<std::string>();
    rule_states[id] = std::string(failed                         ? kFail
                                  : area_state == kNotApplicable ? kNotApplicable
                                  : !enabled(id)                 ? kNotMeasured
                                                                 : kPass);
  }
  Json findings = Json::array();
  for (const Diagnostic* d : found) findings.push_back(finding(*d, paths_));
  Json owner = nullptr;
  if (const SummaryField* o = e.field("/spec/owner")) {
    const EntityRefParse p = parse_entity_ref(o->value, "group", e.ns);
    if (p.ref) owner = p.ref->key();
  }
  Json record = {{"ref", e.ref},
                 {"kind", kind},
                 {"type", e.type.empty() ? Json(nullptr) : Json(e.type)},
                 {"lifecycle", e.lifecycle.empty() ? Json(nullptr) : Json(e.lifecycle)},
                 {"repository", repository_},
                 {"file", paths_[e.file]},
                 {"line", e.name_pos.line},
                 {"owner", owner},
                 {"areas", std::move(areas)}};
  if (!rule_states.empty()) record["rules"] = std::move(rule_states);
  record["golden_path"] =
      tags.empty() ? Json(nullptr)
                   : Json(tags.front()->value.substr(std::string("golden-path:").size()));
  record["cost_center"] = text_or_null(annotation(e, "cost-center"));
  record["data_classification"] = text_or_null(annotation(e, "data-classification"));
  record["escape_hatch"] =
      hatch == nullptr
          ? Json(nullptr)
          : Json{{"reason", hatch->value},
                 {"approval", text_or_null(annotation(e, "escape-hatch-approval"))},
                 {"approved_by", text_or_null(annotation(e, "escape-hatch-approved-by"))},
                 {"expires", text_or_null(annotation(e, "escape-hatch-expires"))},
                 {"monitoring", text_or_null(annotation(e, "escape-hatch-monitoring"))}};
  record["deprecation"] =
      e.lifecycle != "deprecated"
          ? Json(nullptr)
          : Json{{"deprecated_on", text_or_null(annotation(e, "deprecated-on"))},
                 {"sunset_date", text_or_null(annotation(e, "sunset-date"))},
                 // the rule's effective option for the entity's file (its front matter default)
                 {"required_notice_days",
                  registry_.options("short-deprecation-notice", rules).integer("notice_days")}};
  record["findings"] = std::move(findings);
  return record;
}

Json Records::frame() const {
  const CatalogIndex& index = index_;
  const std::vector<ReportLevel>& levels = levels_;
  const bool org_known = org_known_;
  // Groups and users of the linted files and the org catalog (the first definition wins).
  std::map<std::string, Json> groups, users;
  auto add_people = [&](const EntitySummary& e) {
    const std::string kind = to_lower(e.kind);
    if (kind != "group" && kind != "user") return;
    auto refs = [&](std::string_view list, std::string_view default_kind) {
      Json out = Json::array();
      for (const SummaryField& f : e.fields)
        if (f.base.starts_with(list) && f.item >= 0)
          if (const auto p = parse_entity_ref(f.value, default_kind, e.ns); p.ref)
            out.push_back(p.ref->key());
      return out;
    };
    if (kind == "group") {
      if (groups.count(e.ref)) return;
      Json parent = nullptr;
      if (const SummaryField* f = e.field("/spec/parent"))
        if (const auto p = parse_entity_ref(f->value, "group", e.ns); p.ref) parent = p.ref->key();
      groups[e.ref] = Json{{"ref", e.ref},
                           {"name", e.name},
                           {"type", e.type.empty() ? Json(nullptr) : Json(e.type)},
                           {"parent", parent},
                           {"children", refs("/spec/children/", "group")}};
    } else if (!users.count(e.ref)) {
      users[e.ref] = Json{{"ref", e.ref}, {"member_of", refs("/spec/memberOf/", "group")}};
    }
  };
  for (const EntitySummary& e : index.entities) add_people(e);
  for (const EntitySummary& e : index.org) add_people(e);
  // Owners defined outside the linted files and the catalog (policy.known_owners) are teams too.
  std::set<const Policy*> policies;
  for (const EntitySummary& e : index.entities)
    if (e.policy != nullptr) policies.insert(e.policy);
  for (const Policy* p : policies)
    for (const std::string& k : p->known_owners)
      if (k.starts_with("group:") && !groups.count(k)) {
        const auto slash = k.find('/');
        groups[k] = Json{{"ref", k},
                         {"name", slash == std::string::npos ? k : k.substr(slash + 1)},
                         {"type", nullptr},
                         {"parent", nullptr},
                         {"children", Json::array()}};
      }

  Json levels_json = Json::array();
  for (const ReportLevel& l : levels)
    levels_json.push_back({{"name", l.name}, {"require", l.require}});
  // Why areas are not measured for every entity, said once (docs/report.md "Notes").
  Json notes = Json::array();
  if (!org_known) {
    const bool unread = index.org_declared;
    notes.push_back(
        {{"id", std::string(unread ? kNoteCatalogUnreadable : kNoteNoCatalog)},
         {"areas", {"ownership", "escalation", "references"}},
         {"message",
          unread ? "ownership, escalation and references are not measured: the org catalog could "
                   "not be read (a plain lint shows why)"
                 : "ownership, escalation and references are not measured: no org catalog is "
                   "declared (catalog: in .catalog-lint.yaml, docs/org-catalog.md)"}});
  }
  // No config applies: the policy rules are off (they are on with a config).
  if (!options_.configured && !index.entities.empty())
    notes.push_back(
        {{"id", std::string(kNoteNoConfig)},
         {"areas",
          {"golden-paths", "escape-hatches", "change-notice", "cost", "data-classification"}},
         {"message",
          "golden paths, escape hatches, change notice, cost and data classification "
          "are not measured: no .catalog-lint.yaml applies, and the policy rules are "
          "on only with one (catalog-lint init writes it, docs/policy.md)"}});
  Json report = {
      {"report_version", kReportVersion},
      {"tool", {{"name", "catalog-lint"}, {"version", std::string(kVersion)}}},
      {"today", index.today},
      {"sources", options_.sources},
      {"repositories",
       Json::array({{{"name", options_.repository},
                     {"source_url",
                      options_.source_url.empty() ? Json(nullptr) : Json(options_.source_url)},
                     {"sources", options_.sources}}})},
      {"levels", std::move(levels_json)},
      {"areas", area_ids()},
      {"groups", Json::array()},
      {"users", Json::array()},
      {"entities", Json::array()},
      {"unattributed_findings", unattributed_}};
  if (!notes.empty()) insert_after(report, "areas", "notes", std::move(notes));
  for (auto& [ref, g] : groups) report["groups"].push_back(std::move(g));
  for (auto& [ref, u] : users) report["users"].push_back(std::move(u));
  return report;
}

}  // namespace

Json build(const LintResult& result, const BuildOptions& options) {
  const Records records(result, options);
  const std::vector<std::size_t>& order = records.order();
  // The records on options.jobs threads: serial, this was most of the report's time beyond the
  // lint.
  std::vector<Json> made(order.size());
  parallel_for(
      order.size(), options.jobs, [&](std::size_t k) { made[k] = records.make(order[k]); },
      64);  // a thread per 64 records at most
  Json report = records.frame();
  Json::array_t& entities = report["entities"].get_ref<Json::array_t&>();
  entities.reserve(made.size());
  for (Json& r : made) entities.push_back(std::move(r));
  aggregate(report);
  return report;
}

// ---- aggregate: teams and org from entity records ----

namespace {

// Counters of one row (a team, a department, the org, unowned).
struct Row {
  std::int64_t direct = 0, entities = 0;
  std::map<std::string, std::int64_t> kinds, lifecycles, by_area, by_severity;
  std::int64_t findings = 0;
  /// Per area (area_ids() order): pass, fail, n/a, not measured.
  std::vector<std::array<std::int64_t, 4>> areas;
  std::vector<std::int64_t> reached;  // per level
  bool used = false;                  // a row of the report (some entity counted in it)
  std::int64_t no_level = 0;
  std::array<std::int64_t, 2> security{0, 0};  // compliant, measured
  Json escape_hatches = Json::array(), deprecated = Json::array(), no_cost = Json::array(),
       no_class = Json::array(), outside = Json::array();
};

std::int64_t days_between(const std::string& from, const std::string& to, bool& ok) {
  const auto a = parse_date_days(from), b = parse_date_days(to);
  ok = a && b;
  return ok ? static_cast<std::int64_t>(*b) - static_cast<std::int64_t>(*a) : 0;
}

std::string str(const Json& j) {
  return j.is_string() ? j.get<std::string>() : std::string();
}

Json row_json(const Row& r, const Json& levels) {
  Json kinds = Json::object(), lifecycles = Json::object(), by_area = Json::object(),
       by_severity = Json::object();
  for (const auto& [k, n] : r.kinds) kinds[k] = n;
  for (const auto& [k, n] : r.lifecycles) lifecycles[k] = n;
  for (const std::string& a : area_ids()) by_area[a] = r.by_area.count(a) ? r.by_area.at(a) : 0;
  if (r.by_area.count("")) by_area["other"] = r.by_area.at("");
  for (const char* s : {"error", "warning", "note"})
    by_severity[s] = r.by_severity.count(s) ? r.by_severity.at(s) : 0;
  Json areas = Json::object();
  auto counts = [&](std::string_view area) {
    const auto& ids = area_ids();
    const auto i = static_cast<std::size_t>(std::find(ids.begin(), ids.end(), area) - ids.begin());
    return i < r.areas.size() ? r.areas[i] : std::array<std::int64_t, 4>{0, 0, 0, 0};
  };
  for (const std::string& a : area_ids()) {
    const auto c = counts(a);
    areas[a] = {{"pass", c[0]},
                {"fail", c[1]},
                {"not_applicable", c[2]},
                {"not_measured", c[3]},
                {"share", share_or_null(c[0], c[0] + c[1])}};
  }
  Json level = nullptr;
  Json level_counts = Json::object();
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const std::string name = levels[i]["name"];
    level_counts[name] = {{"reached", r.reached[i]},
                          {"share", share_or_null(r.reached[i], r.entities)}};
    if (r.entities > 0 && r.reached[i] == r.entities) level = name;
  }
  auto kpi = [&](std::string_view area) {
    const auto c = counts(area);
    return Json{{"numerator", c[0]},
                {"denominator", c[0] + c[1]},
                {"share", share_or_null(c[0], c[0] + c[1])}};
  };
  Json kpis = {{"golden_path_adoption", kpi("golden-paths")},
               {"security_compliance",
                {{"numerator", r.security[0]},
                 {"denominator", r.security[1]},
                 {"share", share_or_null(r.security[0], r.security[1])}}},
               {"cost_attribution", kpi("cost")},
               {"escalation_coverage", kpi("escalation")}};
  return Json{
      {"direct_entities", r.direct},
      {"entities", r.entities},
      {"kinds", std::move(kinds)},
      {"lifecycles", std::move(lifecycles)},
      {"findings", {{"total", r.findings}, {"by_area", by_area}, {"by_severity", by_severity}}},
      {"areas", std::move(areas)},
      {"level", level},
      {"levels", std::move(level_counts)},
      {"below_first_level", r.no_level},
      {"kpis", std::move(kpis)},
      {"inventories",
       {{"escape_hatches", r.escape_hatches},
        {"deprecated", r.deprecated},
        {"missing_cost_center", r.no_cost},
        {"missing_data_classification", r.no_class},
        {"outside_golden_path", r.outside}}}};
}

}  // namespace

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// What one entity record adds to the rows, read from it once (Aggregator::classify), so that the
// rows only count (Aggregator::count) and the record need not be kept.
struct Contribution {
  std::size_t team = kNone;  // group index; kNone: unowned
  int reached = -1;          // the last level reached; -1: none
  std::string ref, kind, lifecycle;
  std::vector<std::pair<std::string, std::string>> found;  // area, severity
  std::vector<std::uint8_t> state;  // per area: pass 0, fail 1, n/a 2, not measured 3
  bool security_measured = false, security_failed = false;
  bool no_cost = false, no_class = false, outside = false;
  Json hatch_item = nullptr, deprecated_item = nullptr;
};

// The teams and the org of a report, one entity record at a time: aggregate() over a document,
// build_json() over records as they are made. Built from the report's `levels`, `today`,
// `groups` and `users`. classify() is const and reads only the hierarchy: it is safe on several
// threads, also while count() runs, which writes only the rows (one thread at a time).
class Aggregator {
 public:
  explicit Aggregator(const Json& report);
  // Sets the record's `team` and `level` and reads what it adds to the rows.
  Contribution classify(Json& e) const;
  // Adds one record's contribution to the org, its team and the teams above it.
  void count(const Contribution& c);
  // Sets `teams` and `org` of `report` (its unattributed findings count at org level).
  void finish(Json& report);

 private:
  struct GroupInfo {
    Json name, type;
  };
  Json levels_;
  std::string today_;
  std::map<std::string, GroupInfo> groups_;
  std::map<std::string, std::string> parent_;
  std::map<std::string, std::string> user_team_;
  std::map<std::string, std::size_t> group_index_;  // ref order
  std::vector<std::size_t> parent_index_;
  std::vector<Row> group_rows_;
  Row unowned_row_;
  Row* unowned_ = &unowned_row_;     // a Group whose ref is "unowned" shares its row
  std::vector<std::size_t> walked_;  // the entity that last walked each group
  std::size_t walk_ = 0;
  Row org_;
  void fresh(Row& r) const {
    if (r.reached.empty()) r.reached.assign(levels_.size(), 0);
    if (r.areas.empty()) r.areas.assign(area_ids().size(), {0, 0, 0, 0});
    r.used = true;
  }
};

Aggregator::Aggregator(const Json& report)
    : levels_(report["levels"]), today_(str(report["today"])) {
  // The Group hierarchy: a group's parent is its spec.parent, else the group listing it in
  // spec.children.
  std::map<std::string, const Json*> listed;  // the first definition of each group
  for (const Json& g : report["groups"]) listed.emplace(g["ref"].get<std::string>(), &g);
  for (const auto& [ref, g] : listed) {
    groups_.emplace(ref, GroupInfo{(*g)["name"], (*g)["type"]});
    if ((*g)["parent"].is_string()) parent_[ref] = (*g)["parent"].get<std::string>();
  }
  for (const auto& [ref, g] : listed)
    for (const Json& c : (*g)["children"]) {
      const std::string child = c.get<std::string>();
      if (groups_.count(child) && !parent_.count(child)) parent_[child] = ref;
    }
  for (const Json& u : report["users"])
    for (const Json& m : u["member_of"])
      if (groups_.count(m.get<std::string>())) {
        user_team_.emplace(u["ref"].get<std::string>(), m.get<std::string>());
        break;
      }
  // Groups by index (ref order) with their parent's index: an entity's chain of rows is walked
  // with integers, not refs (a 2,000-deep chain counts each entity in up to 256 rows).
  for (const auto& [ref, g] : groups_) group_index_.emplace(ref, group_index_.size());
  parent_index_.assign(group_index_.size(), kNone);
  for (const auto& [child, p] : parent_)
    if (const auto it = group_index_.find(p); it != group_index_.end())
      parent_index_[group_index_.at(child)] = it->second;
  group_rows_.resize(group_index_.size());
  if (const auto it = group_index_.find(std::string(kUnowned)); it != group_index_.end())
    unowned_ = &group_rows_[it->second];
  walked_.assign(group_index_.size(), 0);
  fresh(org_);
}

Contribution Aggregator::classify(Json& e) const {
  Contribution c;
  // The team: the owner Group, or a User owner's first Group; else unowned. A Group belongs to
  // itself and a User to its first Group (the org structure is the teams' own).
  c.ref = e["ref"].get<std::string>();
  const std::string owner = e["kind"] == "group" || e["kind"] == "user" ? c.ref : str(e["owner"]);
  std::string team;
  if (groups_.count(owner))
    team = owner;
  else if (const auto it = user_team_.find(owner); it != user_team_.end())
    team = it->second;
  if (!team.empty()) c.team = group_index_.at(team);
  e["team"] = team.empty() ? Json(nullptr) : Json(team);
  e["level"] = nullptr;  // the key exists before `areas` refers into `e`
  // The entity's level: the highest whose requirements, and those of the levels before it,
  // pass or do not apply; a requirement not measured blocks it.
  const Json& areas = e["areas"];
  const std::size_t nlevels = levels_.size();
  for (std::size_t i = 0; i < nlevels; ++i) {
    bool ok = true;
    for (const Json& req : levels_[i]["require"]) {
      const std::string id = req.get<std::string>();
      std::string state;
      if (areas.contains(id))
        state = areas[id].get<std::string>();
      else if (e.contains("rules") && e["rules"].contains(id))
        state = e["rules"][id].get<std::string>();
      else
        state = std::string(kNotMeasured);
      if (state != kPass && state != kNotApplicable) ok = false;
    }
    if (!ok) break;
    c.reached = static_cast<int>(i);
  }
  e["level"] = c.reached < 0 ? Json(nullptr) : levels_[static_cast<std::size_t>(c.reached)]["name"];
  if (e["escape_hatch"].is_object()) {
    const Json& h = e["escape_hatch"];
    bool ok = false;
    const std::int64_t left = days_between(today_, str(h["expires"]), ok);
    c.hatch_item = {{"entity", c.ref},
                    {"reason", h["reason"]},
                    {"approval", h["approval"]},
                    {"approved_by", h["approved_by"]},
                    {"expires", h["expires"]},
                    {"monitoring", h["monitoring"]},
                    {"days_left", ok ? Json(left) : Json(nullptr)},
                    {"state", !ok        ? "no-expiry"
                              : left < 0 ? "expired"
                                         : "open"}};
  }
  if (e["deprecation"].is_object()) {
    const Json& d = e["deprecation"];
    bool notice_ok = false, sunset_ok = false;
    const std::int64_t notice =
        days_between(str(d["deprecated_on"]), str(d["sunset_date"]), notice_ok);
    const std::int64_t to_sunset = days_between(today_, str(d["sunset_date"]), sunset_ok);
    c.deprecated_item = {{"entity", c.ref},
                         {"deprecated_on", d["deprecated_on"]},
                         {"sunset_date", d["sunset_date"]},
                         {"notice_days", notice_ok ? Json(notice) : Json(nullptr)},
                         {"required_notice_days", d["required_notice_days"]},
                         {"days_to_sunset", sunset_ok ? Json(to_sunset) : Json(nullptr)}};
  }
  c.kind = e["kind"].get<std::string>();
  c.lifecycle = e["lifecycle"].is_string() ? e["lifecycle"].get<std::string>() : "none";
  for (const Json& f : e["findings"])
    c.found.emplace_back(f["area"].get<std::string>(), f["severity"].get<std::string>());
  const std::size_t nareas = area_ids().size();
  c.state.resize(nareas);
  for (std::size_t a = 0; a < nareas; ++a) {
    const std::string s = areas.contains(area_ids()[a]) ? areas[area_ids()[a]].get<std::string>()
                                                        : std::string(kNotMeasured);
    c.state[a] = s == kPass ? 0 : s == kFail ? 1 : s == kNotApplicable ? 2 : 3;
  }
  // Security compliance: ownership, escape hatches and data classification.
  for (const char* a : {"ownership", "escape-hatches", "data-classification"}) {
    const std::string s = areas.contains(a) ? areas[a].get<std::string>() : "";
    c.security_measured = c.security_measured || s == kPass || s == kFail;
    c.security_failed = c.security_failed || s == kFail;
  }
  // The inventories take the findings' view: an area that passes without the annotation
  // or tag had its finding suppressed or baselined, and the entity is not listed.
  const std::string cost = areas.contains("cost") ? str(areas["cost"]) : "",
                    data = areas.contains("data-classification") ? str(areas["data-classification"])
                                                                 : "",
                    golden = areas.contains("golden-paths") ? str(areas["golden-paths"]) : "";
  c.no_cost = cost != kNotApplicable && cost != kPass && e["cost_center"].is_null();
  c.no_class = data == kFail && e["data_classification"].is_null();
  c.outside = golden != kPass && e["golden_path"].is_null() && c.kind == "component" &&
              (e["type"] == "service" || e["type"] == "website");
  return c;
}

void Aggregator::count(const Contribution& c) {
  std::vector<Row*> targets{&org_};
  if (c.team == kNone) {
    targets.push_back(unowned_);
  } else {
    ++walk_;  // each Group once (a cycle ends the walk), at most 256 of them
    std::size_t n = 0;
    for (std::size_t g = c.team; g != kNone && walked_[g] != walk_ && n < 256;
         g = parent_index_[g], ++n) {
      walked_[g] = walk_;
      targets.push_back(&group_rows_[g]);
    }
  }
  for (std::size_t t = 0; t < targets.size(); ++t) {
    Row& r = *targets[t];
    fresh(r);
    if (t <= 1) ++r.direct;  // the org and the owning team (or unowned) own it directly
    ++r.entities;
    ++r.kinds[c.kind];
    ++r.lifecycles[c.lifecycle];
    for (const auto& [area, severity] : c.found) {
      ++r.findings;
      ++r.by_area[area];
      ++r.by_severity[severity];
    }
    for (std::size_t a = 0; a < c.state.size(); ++a) ++r.areas[a][c.state[a]];
    for (int i = 0; i <= c.reached; ++i) ++r.reached[static_cast<std::size_t>(i)];
    if (c.reached < 0) ++r.no_level;
    if (c.security_measured) ++r.security[1], r.security[0] += c.security_failed ? 0 : 1;
    if (!c.hatch_item.is_null()) r.escape_hatches.push_back(c.hatch_item);
    if (!c.deprecated_item.is_null()) r.deprecated.push_back(c.deprecated_item);
    if (c.no_cost) r.no_cost.push_back(c.ref);
    if (c.no_class) r.no_class.push_back(c.ref);
    if (c.outside) r.outside.push_back(c.ref);
  }
}

void Aggregator::finish(Json& report) {
  // The rows in ref order: each used Group's, and unowned's.
  std::map<std::string, const Row*> rows;
  for (const auto& [ref, i] : group_index_)
    if (group_rows_[i].used) rows.emplace(ref, &group_rows_[i]);
  if (unowned_->used) rows.emplace(std::string(kUnowned), unowned_);
  Json teams = Json::array();
  for (const auto& [ref, r] : rows) {
    Json row;
    if (ref == kUnowned) {
      row = {{"ref", ref}, {"name", ref}, {"type", nullptr}, {"parent", nullptr}};
    } else {
      const GroupInfo& g = groups_.at(ref);
      const auto p = parent_.find(ref);
      row = {{"ref", ref},
             {"name", g.name},
             {"type", g.type},
             {"parent",
              p == parent_.end() || !groups_.count(p->second) ? Json(nullptr) : Json(p->second)}};
    }
    row.update(row_json(*r, levels_));
    teams.push_back(std::move(row));
  }
  // The unattributed findings count at org level.
  Row org = org_;
  for (const Json& f : report["unattributed_findings"]) {
    ++org.findings;
    ++org.by_area[f["area"].get<std::string>()];
    ++org.by_severity[f["severity"].get<std::string>()];
  }
  report["teams"] = std::move(teams);
  Json org_row = {{"ref", "org"}, {"name", "organisation"}};
  org_row.update(row_json(org, levels_));
  report["org"] = std::move(org_row);
}

}  // namespace

void aggregate(Json& report) {
  Aggregator totals(report);
  for (Json& e : report["entities"]) totals.count(totals.classify(e));
  totals.finish(report);
}

namespace {

// Appends `value` to `out` as Json::dump(2) writes it `depth` spaces deep inside a document
// (dump() has no such parameter; its serializer has, and writes straight into `out`), invalid
// UTF-8 replaced. The test "JSON alone ... equals the document's JSON" holds it to dump().
void dump_at(std::string& out, const Json& value, unsigned depth) {
  nlohmann::detail::serializer<Json> writer(
      nlohmann::detail::output_adapter<char, std::string>(out), ' ',
      Json::error_handler_t::replace);
  writer.dump(value, true, false, 2, depth);
}

}  // namespace

std::string build_json(const LintResult& result, const BuildOptions& options) {
  const Records records(result, options);
  const std::vector<std::size_t>& order = records.order();
  Json frame = records.frame();
  Aggregator totals(frame);
  // The report's members as dump(2) writes them; `entities` is written record by record.
  std::string out = "{";
  bool first = true;
  auto member = [&](const std::string& key, const Json& value) {
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += Json(key).dump();
    out += ": ";
    dump_at(out, value, 2);
  };
  for (auto it = frame.begin(); it != frame.end() && it.key() != "entities"; ++it)
    member(it.key(), it.value());
  out += first ? "\n  " : ",\n  ";
  first = false;
  out += "\"entities\": [";
  // Chunks of records made on options.jobs threads, each dumped as it is made; only the text and
  // the counts are kept (the document of 166k records was 1 GiB more than the lint). While this
  // thread counts one chunk and appends its text, the next is made (count() writes only the
  // rows, classify() reads only the hierarchy). A chunk is cut in parts of 256 records, each
  // dumped into one text by one thread.
  constexpr std::size_t kChunk = 4096, kPart = 256;
  struct Chunk {
    std::vector<std::string> texts;  // per part
    std::vector<Contribution> counts;
  };
  auto make_chunk = [&](Chunk& c, std::size_t begin) {
    const std::size_t n = std::min(kChunk, order.size() - begin);
    const std::size_t parts = (n + kPart - 1) / kPart;
    c.texts.assign(parts, std::string());
    c.counts.assign(n, Contribution());
    parallel_for(
        parts, options.jobs,
        [&](std::size_t p) {
          for (std::size_t k = p * kPart; k < std::min(n, (p + 1) * kPart); ++k) {
            Json record = records.make(order[begin + k]);
            c.counts[k] = totals.classify(record);
            c.texts[p] += begin + k == 0 ? "\n    " : ",\n    ";
            dump_at(c.texts[p], record, 4);
          }
        },
        1);
  };
  Chunk ready, next;
  if (!order.empty()) make_chunk(ready, 0);
  for (std::size_t begin = 0; begin < order.size(); begin += kChunk) {
    std::exception_ptr failed;
    std::thread maker;
    if (begin + kChunk < order.size())
      maker = std::thread([&, begin] {
        try {
          make_chunk(next, begin + kChunk);
        } catch (...) {
          failed = std::current_exception();
        }
      });
    struct Join {  // also when counting throws: a joinable std::thread ends the process
      std::thread& t;
      ~Join() {
        if (t.joinable()) t.join();
      }
    } join{maker};
    for (const Contribution& c : ready.counts) totals.count(c);
    for (const std::string& t : ready.texts) out += t;
    // Room for the rest at the first chunk's size per record (+5%): growing by doubling held up
    // to three times the text for a moment.
    if (begin == 0 && ready.counts.size() < order.size())
      out.reserve(out.size() +
                  out.size() / ready.counts.size() * (order.size() - ready.counts.size()) / 20 *
                      21 +
                  65536);
    if (maker.joinable()) maker.join();
    if (failed) std::rethrow_exception(failed);
    std::swap(ready, next);
  }
  out += order.empty() ? "]" : "\n  ]";
  totals.finish(frame);  // adds `teams` and `org` (after `unattributed_findings`)
  bool after = false;
  for (auto it = frame.begin(); it != frame.end(); ++it) {
    if (after) member(it.key(), it.value());
    after = after || it.key() == "entities";
  }
  out += "\n}\n";
  return out;
}

// ---- input checks, parse, merge, compare ----

std::optional<std::string> check_input(const Json& r) {
  if (!r.is_object()) return std::string("the report is not a JSON object");
  if (!r.contains("report_version") || !r["report_version"].is_number_integer())
    return std::string("no report_version: not a catalog-lint team report");
  if (r["report_version"] != kReportVersion)
    return fmt::format("report_version {} is not {}, the version this catalog-lint reads",
                       r["report_version"].dump(), kReportVersion);
  auto need = [&](const Json& obj, const std::string& where, std::string_view key, auto is_ok,
                  std::string_view what) -> std::optional<std::string> {
    if (!obj.contains(key) || !is_ok(obj[std::string(key)]))
      return fmt::format("{}{} is not {}", where, key, what);
    return std::nullopt;
  };
  const auto is_str = [](const Json& j) { return j.is_string(); };
  const auto is_str_or_null = [](const Json& j) { return j.is_string() || j.is_null(); };
  const auto is_arr = [](const Json& j) { return j.is_array(); };
  const auto is_obj = [](const Json& j) { return j.is_object(); };
  const auto is_obj_or_null = [](const Json& j) { return j.is_object() || j.is_null(); };
  const auto is_int = [](const Json& j) { return j.is_number_integer(); };
  const auto is_str_arr = [](const Json& j) {
    return j.is_array() &&
           std::all_of(j.begin(), j.end(), [](const Json& x) { return x.is_string(); });
  };
  // A day as --today takes it: the merge compares and orders them as text.
  const auto is_date = [](const Json& j) {
    return j.is_string() && j.get_ref<const std::string&>().size() == 10 &&
           parse_date_days(j.get_ref<const std::string&>()).has_value();
  };
  for (auto [key, ok, what] :
       {std::tuple{"today", +is_date, "a date (YYYY-MM-DD)"},
        std::tuple{"levels", +[](const Json& j) { return j.is_array() && !j.empty(); },
                   "a non-empty array"},
        std::tuple{"groups", +[](const Json& j) { return j.is_array(); }, "an array"},
        std::tuple{"users", +[](const Json& j) { return j.is_array(); }, "an array"},
        std::tuple{"entities", +[](const Json& j) { return j.is_array(); }, "an array"},
        std::tuple{"unattributed_findings", +[](const Json& j) { return j.is_array(); },
                   "an array"}})
    if (auto e = need(r, "", key, ok, what)) return e;
  // Each item of the array `list` of `r` is an object with these fields (key, test, what).
  using Field = std::tuple<const char*, bool (*)(const Json&), const char*>;
  auto objects = [&](const char* list,
                     std::initializer_list<Field> fields) -> std::optional<std::string> {
    std::size_t i = 0;
    for (const Json& x : r[list]) {
      if (!x.is_object()) return fmt::format("{}[{}] is not an object", list, i);
      const std::string w = fmt::format("{}[{}].", list, i++);
      for (const auto& [key, ok, what] : fields)
        if (auto e = need(x, w, key, ok, what)) return e;
    }
    return std::nullopt;
  };
  if (auto e = objects("levels", {{"name", +is_str, "a string"},
                                  {"require", +is_str_arr, "an array of strings"}}))
    return e;
  if (auto e = objects("groups", {{"ref", +is_str, "a string"},
                                  {"name", +is_str, "a string"},
                                  {"type", +is_str_or_null, "a string or null"},
                                  {"parent", +is_str_or_null, "a string or null"},
                                  {"children", +is_str_arr, "an array of strings"}}))
    return e;
  if (auto e = objects("users", {{"ref", +is_str, "a string"},
                                 {"member_of", +is_str_arr, "an array of strings"}}))
    return e;
  auto check_finding = [&](const Json& f, const std::string& w) -> std::optional<std::string> {
    if (!f.is_object()) return fmt::format("{} is not an object", w);
    for (const char* k : {"rule", "severity", "area", "message", "file"})
      if (auto e = need(f, w + ".", k, is_str, "a string")) return e;
    for (const char* k : {"line", "column"})
      if (auto e = need(f, w + ".", k, is_int, "an integer")) return e;
    if (!in(f["severity"].get<std::string>(), {"error", "warning", "note"}))
      return fmt::format("{}.severity is not error, warning or note", w);
    return std::nullopt;
  };
  if (r.contains("notes")) {
    if (!r["notes"].is_array()) return std::string("notes is not an array");
    std::size_t n = 0;
    for (const Json& x : r["notes"]) {
      const std::string w = fmt::format("notes[{}]", n++);
      if (!x.is_object()) return fmt::format("{} is not an object", w);
      for (const char* k : {"id", "message"})
        if (auto e = need(x, w + ".", k, is_str, "a string")) return e;
      if (auto e = need(x, w + ".", "areas", is_str_arr, "an array of strings")) return e;
    }
  }
  // `repositories` and each record's `repository` (absent in reports of earlier versions).
  std::set<std::string> repositories;
  if (r.contains("repositories")) {
    if (!r["repositories"].is_array()) return std::string("repositories is not an array");
    std::size_t n = 0;
    for (const Json& x : r["repositories"]) {
      const std::string w = fmt::format("repositories[{}]", n++);
      if (!x.is_object()) return fmt::format("{} is not an object", w);
      if (auto e = need(x, w + ".", "name", is_str, "a string")) return e;
      if (auto e = check_repository_name(x["name"].get<std::string>()))
        return fmt::format("{}.name: {}", w, *e);
      if (auto e = need(x, w + ".", "source_url", is_str_or_null, "a string or null")) return e;
      if (x["source_url"].is_string())
        if (auto e = check_source_url(x["source_url"].get<std::string>()))
          return fmt::format("{}.source_url: {}", w, *e);
      if (auto e = need(x, w + ".", "sources", is_str_arr, "an array of strings")) return e;
      if (!repositories.insert(x["name"].get<std::string>()).second)
        return fmt::format("{}.name '{}' is listed twice", w, x["name"].get<std::string>());
    }
  }
  const bool has_repositories = r.contains("repositories");
  const auto check_repository = [&](const Json& x,
                                    const std::string& w) -> std::optional<std::string> {
    // A report that lists repositories says for every record which one it is of.
    if (!x.contains("repository"))
      return has_repositories
                 ? std::optional<std::string>(fmt::format("{}repository is missing", w))
                 : std::nullopt;
    if (!x["repository"].is_string()) return fmt::format("{}repository is not a string", w);
    if (!repositories.count(x["repository"].get<std::string>()))
      return fmt::format("{}repository '{}' is not in repositories", w,
                         x["repository"].get<std::string>());
    return std::nullopt;
  };
  if (r.contains("merged_dates") &&
      !(r["merged_dates"].is_array() &&
        std::all_of(r["merged_dates"].begin(), r["merged_dates"].end(), is_date)))
    return std::string("merged_dates is not an array of dates (YYYY-MM-DD)");
  std::size_t i = 0;
  for (const Json& e : r["entities"]) {
    const std::string w = fmt::format("entities[{}].", i++);
    if (!e.is_object()) return fmt::format("entities[{}] is not an object", i - 1);
    for (const char* k : {"ref", "kind", "file"})
      if (auto m = need(e, w, k, is_str, "a string")) return m;
    for (const char* k :
         {"type", "lifecycle", "owner", "golden_path", "cost_center", "data_classification"})
      if (auto m = need(e, w, k, is_str_or_null, "a string or null")) return m;
    if (auto m = need(e, w, "line", is_int, "an integer")) return m;
    if (auto m = check_repository(e, w)) return m;
    if (auto m = need(e, w, "areas", is_obj, "an object")) return m;
    for (const auto& [a, s] : e["areas"].items())
      if (!s.is_string() || !in(s.get<std::string>(), {kPass, kFail, kNotApplicable, kNotMeasured}))
        return fmt::format("{}areas.{} is not pass, fail, not-applicable or not-measured", w, a);
    for (const std::string& a : area_ids())
      if (!e["areas"].contains(a)) return fmt::format("{}areas has no '{}'", w, a);
    if (e.contains("rules")) {
      if (!e["rules"].is_object()) return fmt::format("{}rules is not an object", w);
      for (const auto& [a, s] : e["rules"].items())
        if (!s.is_string()) return fmt::format("{}rules.{} is not a string", w, a);
    }
    if (auto m = need(e, w, "escape_hatch", is_obj_or_null, "an object or null")) return m;
    if (e["escape_hatch"].is_object()) {
      if (auto m = need(e["escape_hatch"], w + "escape_hatch.", "reason", is_str, "a string"))
        return m;
      for (const char* k : {"approval", "approved_by", "expires", "monitoring"})
        if (auto m =
                need(e["escape_hatch"], w + "escape_hatch.", k, is_str_or_null, "a string or null"))
          return m;
    }
    if (auto m = need(e, w, "deprecation", is_obj_or_null, "an object or null")) return m;
    if (e["deprecation"].is_object()) {
      for (const char* k : {"deprecated_on", "sunset_date"})
        if (auto m =
                need(e["deprecation"], w + "deprecation.", k, is_str_or_null, "a string or null"))
          return m;
      if (auto m = need(e["deprecation"], w + "deprecation.", "required_notice_days", is_int,
                        "an integer"))
        return m;
    }
    if (auto m = need(e, w, "findings", is_arr, "an array")) return m;
    std::size_t j = 0;
    for (const Json& f : e["findings"])
      if (auto m = check_finding(f, fmt::format("{}findings[{}]", w, j++))) return m;
  }
  i = 0;
  for (const Json& f : r["unattributed_findings"]) {
    const std::string w = fmt::format("unattributed_findings[{}]", i++);
    if (auto m = check_finding(f, w)) return m;
    if (auto m = check_repository(f, w + ".")) return m;
  }
  return std::nullopt;
}

namespace {

// What a repository name and a link template may not hold: "" when `text` is fine.
std::string bad_text(std::string_view text) {
  if (sanitize_utf8(text) != text) return "is not UTF-8";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = [&](std::size_t k) {
      return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
    };
    if (c < 0x20 || c == 0x7f || (c == 0xC2 && next(1) < 0xA0))
      return "cannot hold a control character";
    // U+202A-U+202E (E2 80 AA-AE) and U+2066-U+2069 (E2 81 A6-A9).
    if (c == 0xE2 && ((next(1) == 0x80 && next(2) >= 0xAA && next(2) <= 0xAE) ||
                      (next(1) == 0x81 && next(2) >= 0xA6 && next(2) <= 0xA9)))
      return "cannot hold a bidirectional override (it would show as another text)";
  }
  return "";
}

}  // namespace

std::optional<std::string> check_repository_name(std::string_view name) {
  if (name.empty()) return std::string("a repository name cannot be empty");
  if (name.size() > kMaxRepositoryName)
    return fmt::format("a repository name is at most {} bytes, not {}", kMaxRepositoryName,
                       name.size());
  if (const std::string why = bad_text(name); !why.empty()) return "a repository name " + why;
  return std::nullopt;
}

std::optional<std::string> check_source_url(std::string_view url) {
  constexpr std::size_t kMaxUrl = 2048;
  const std::string lower = to_lower(url.substr(0, 8));
  const std::size_t scheme = lower.starts_with("https://")  ? 8
                             : lower.starts_with("http://") ? 7
                                                            : 0;
  if (scheme == 0) return std::string("a link template must start with https:// or http://");
  if (url.size() == scheme || url[scheme] == '/')
    return std::string("a link template needs a host after its scheme");
  if (url.size() > kMaxUrl)
    return fmt::format("a link template is at most {} bytes, not {}", kMaxUrl, url.size());
  if (const std::string why = bad_text(url); !why.empty()) return "a link template " + why;
  return std::nullopt;
}

std::optional<Json> parse_input(const std::string& text, const std::string& name,
                                std::string& error) {
  if (text.size() > kMaxInputBytes) {
    error = fmt::format("'{}' is {} bytes, over the limit of {} for a report", name, text.size(),
                        kMaxInputBytes);
    return std::nullopt;
  }
  // Nesting is checked before parsing: one pass over the text, outside strings.
  if (json_nesting_exceeds(text, kMaxInputDepth)) {
    error = fmt::format("'{}' nests deeper than {} levels: not a catalog-lint team report", name,
                        kMaxInputDepth);
    return std::nullopt;
  }
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    // Parsed again with exceptions only to say where and why.
    try {
      const Json again = Json::parse(text);
      (void)again;
    } catch (const Json::exception& e) {
      error = fmt::format("'{}' is not JSON: {}", name, e.what());
      return std::nullopt;
    }
    error = fmt::format("'{}' is not JSON", name);
    return std::nullopt;
  }
  if (auto m = check_input(j)) {
    error = fmt::format("'{}': {}", name, *m);
    return std::nullopt;
  }
  return j;
}

namespace {

// "name: require" of a level, as a message shows it.
std::string level_text(const Json& level) {
  std::vector<std::string> require;
  for (const Json& r : level["require"]) require.push_back(r.get<std::string>());
  return fmt::format("{}: {}", level["name"].get<std::string>(), fmt::join(require, ", "));
}

// The first difference of two checked `levels` lists, for a message: "level 2 is 'silver:
// escalation' in 'a.json' and 'silver: escalation, references' in 'b.json'", or which one has
// more levels.
std::string levels_difference(const Json& first, const std::string& first_name, const Json& other,
                              const std::string& other_name) {
  const std::size_t n = std::min(first.size(), other.size());
  for (std::size_t k = 0; k < n; ++k)
    if (first[k] != other[k])
      return fmt::format("level {} is '{}' in {} and '{}' in {}", k + 1, level_text(first[k]),
                         first_name, level_text(other[k]), other_name);
  const bool more = other.size() > first.size();
  return fmt::format("{} has {} levels and {} has {}: '{}' is only in {}", first_name, first.size(),
                     other_name, other.size(), level_text(more ? other[n] : first[n]),
                     more ? other_name : first_name);
}

}  // namespace

namespace {

/// True when `a` and `b` are records of one Group or User, equal but for their repository.
bool same_org_record(const Json& a, const Json& b) {
  const std::string kind = a.value("kind", "");
  if (kind != "group" && kind != "user") return false;
  Json x = a, y = b;
  x.erase("repository");
  y.erase("repository");
  return x == y;
}

}  // namespace

std::optional<Json> merge(std::vector<Json> inputs, std::string& error, const MergeOptions& options,
                          std::vector<std::string>* warnings) {
  if (inputs.empty()) {
    error = "--merge needs at least one report";
    return std::nullopt;
  }
  Json out = {{"report_version", kReportVersion},
              {"tool", {{"name", "catalog-lint"}, {"version", std::string(kVersion)}}},
              {"today", inputs[0]["today"]},
              {"sources", Json::array()},
              {"repositories", Json::array()},
              {"levels", inputs[0]["levels"]},
              {"areas", area_ids()},
              {"groups", Json::array()},
              {"users", Json::array()},
              {"entities", Json::array()},
              {"unattributed_findings", Json::array()}};
  Json notes = Json::array();  // each input's, once per id
  std::map<std::string, Json*> groups, users;
  // Repository name -> its index in out["repositories"], the input it first came in.
  std::map<std::string, std::pair<std::size_t, std::size_t>> repositories;
  std::optional<std::string> relinted;  // the first source of a repository in two inputs
  std::map<std::string, std::pair<Json*, std::size_t>> entities;         // ref -> record, its input
  std::vector<std::tuple<std::string, std::size_t, std::size_t>> twice;  // ref, kept, dropped
  auto name = [&](std::size_t i) {
    return i < options.names.size() ? fmt::format("'{}'", options.names[i])
                                    : fmt::format("report {}", i + 1);
  };
  // The days the inputs were judged on: an input's own merged_dates when it is a mixed merge.
  std::set<std::string> dates;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    Json& in = inputs[i];
    if (in["levels"] != out["levels"]) {
      error = fmt::format(
          "{} uses other levels than {}: {}; merge reports made with the same "
          "report.levels",
          name(i), name(0), levels_difference(out["levels"], name(0), in["levels"], name(i)));
      return std::nullopt;
    }
    std::set<std::string> own{in["today"].get<std::string>()};
    if (in.contains("merged_dates") && in["merged_dates"].is_array())
      for (const Json& d : in["merged_dates"])
        if (d.is_string()) own.insert(d.get<std::string>());
    if (!options.mixed_dates && (own.size() > 1 || in["today"] != inputs[0]["today"])) {
      const std::string what =
          own.size() > 1 ? fmt::format("{} merges reports of {}", name(i), fmt::join(own, ", "))
                         : fmt::format("{} was made on {} and {} on {}", name(i), *own.begin(),
                                       name(0), inputs[0]["today"].get<std::string>());
      error = fmt::format(
          "{}: escape hatches, deadlines and findings were judged on different days; make "
          "every report with the same --today, or give --mixed-dates to merge them anyway "
          "(the merged report lists each day in merged_dates)",
          what);
      return std::nullopt;
    }
    dates.insert(own.begin(), own.end());
    if (in["today"].get<std::string>() > out["today"].get<std::string>())
      out["today"] = in["today"];
    if (in.contains("sources") && in["sources"].is_array())
      for (const Json& s : in["sources"]) out["sources"].push_back(s);
    // A report of an earlier build lists no repositories: it is one, named after its file.
    if (!in.contains("repositories")) {
      const std::string repo =
          i < options.names.size() ? options.names[i] : fmt::format("report {}", i + 1);
      Json sources = in.contains("sources") ? in["sources"] : Json::array();
      in["repositories"] =
          Json::array({{{"name", repo}, {"source_url", nullptr}, {"sources", std::move(sources)}}});
      for (Json& e : in["entities"]) e["repository"] = repo;
      for (Json& f : in["unattributed_findings"]) f["repository"] = repo;
    }
    // Repositories by name: one repository may come in several reports (a monorepo linted by
    // several jobs), with one link template.
    for (Json& r : in["repositories"]) {
      const std::string repo = r["name"].get<std::string>();
      const auto at = repositories.find(repo);
      if (at == repositories.end()) {
        repositories.emplace(repo, std::make_pair(out["repositories"].size(), i));
        out["repositories"].push_back(std::move(r));
        continue;
      }
      Json& kept = out["repositories"][at->second.first];
      if (kept["source_url"] != r["source_url"]) {
        const auto url = [](const Json& u) {
          return u.is_string() ? fmt::format("'{}'", u.get<std::string>()) : "none";
        };
        error = fmt::format(
            "repository '{}' has the link template {} in {} and {} in {}; give every report of "
            "one repository the same --source-url (two repositories checked out in folders of "
            "one name: give each run its own --repository NAME)",
            repo, url(kept["source_url"]), name(at->second.second), url(r["source_url"]), name(i));
        return std::nullopt;
      }
      // The same source of one repository in two reports is the same files twice (a copied
      // report): its file-level findings would count twice.
      for (const Json& src : r["sources"])
        if (!relinted &&
            std::find(kept["sources"].begin(), kept["sources"].end(), src) != kept["sources"].end())
          relinted = fmt::format("repository '{}' has the source '{}' in both {} and {}", repo,
                                 src.get<std::string>(), name(at->second.second), name(i));
      for (Json& src : r["sources"]) kept["sources"].push_back(std::move(src));
    }
    if (in.contains("notes"))
      for (const Json& n : in["notes"])
        if (std::none_of(notes.begin(), notes.end(),
                         [&](const Json& x) { return x["id"] == n["id"]; }))
          notes.push_back(n);
    for (Json& g : in["groups"]) groups.emplace(g["ref"].get<std::string>(), &g);
    for (Json& u : in["users"]) users.emplace(u["ref"].get<std::string>(), &u);
    for (Json& e : in["entities"]) {
      const auto [at, fresh] = entities.try_emplace(e["ref"].get<std::string>(), &e, i);
      if (fresh) continue;
      // The org's Groups and Users, linted in every repository that holds a copy of the org
      // catalog (`catalog: [org]` with org/ in the tree, as the README sets it up): the same
      // record in two reports is one entity, not a conflict (a new-user trial's merge failed).
      if (same_org_record(*at->second.first, e)) continue;
      twice.emplace_back(at->first, at->second.second, i);
    }
    for (Json& f : in["unattributed_findings"])
      out["unattributed_findings"].push_back(std::move(f));
  }
  // An entity in two reports (defined in two repositories, or one report given under two names)
  // would be counted once with one report's findings: an error unless the caller keeps the first.
  auto where = [&](const std::tuple<std::string, std::size_t, std::size_t>& t) {
    const auto& [ref, kept, dropped] = t;
    return kept == dropped
               ? fmt::format("entity '{}' is twice in {}", ref, name(kept))
               : fmt::format("entity '{}' is in both {} and {}", ref, name(kept), name(dropped));
  };
  if (!twice.empty() && !options.allow_duplicate_entities) {
    const std::size_t more = twice.size() - 1;
    error = fmt::format(
        "{}{}; define each entity in one repository, or give --allow-duplicate-entities to keep "
        "the first report's record",
        where(twice.front()),
        more == 0
            ? std::string()
            : fmt::format(" (and {} more repeated {})", more, more == 1 ? "entity" : "entities"));
    return std::nullopt;
  }
  if (relinted && !options.allow_duplicate_entities) {
    error = fmt::format(
        "{}: the same files linted twice would count their findings twice; give each report "
        "once (each job its own paths), or give --allow-duplicate-entities to keep one record of "
        "each (two repositories checked out in folders of one name: give each run its own "
        "--repository NAME)",
        *relinted);
    return std::nullopt;
  }
  if (relinted) {
    // One record of each file-level finding that two reports give (the same files twice).
    std::set<std::string> seen;
    Json kept = Json::array();
    for (Json& f : out["unattributed_findings"])
      if (seen.insert(f.dump()).second) kept.push_back(std::move(f));
    out["unattributed_findings"] = std::move(kept);
    if (warnings != nullptr)
      warnings->push_back(*relinted + ": each file-level finding of it is kept once");
  }
  if (warnings != nullptr) {
    for (std::size_t k = 0; k < twice.size() && k < kMaxDuplicateWarnings; ++k)
      warnings->push_back(fmt::format("{}: the record of {} is kept", where(twice[k]),
                                      name(std::get<1>(twice[k]))));
    if (twice.size() > kMaxDuplicateWarnings)
      warnings->push_back(
          fmt::format("{} more repeated {}: the first record of each is kept",
                      twice.size() - kMaxDuplicateWarnings,
                      twice.size() - kMaxDuplicateWarnings == 1 ? "entity" : "entities"));
  }
  // Moved, not copied: the inputs are ours.
  for (auto& [ref, g] : groups) out["groups"].push_back(std::move(*g));
  for (auto& [ref, u] : users) out["users"].push_back(std::move(*u));
  for (auto& [ref, e] : entities) out["entities"].push_back(std::move(*e.first));
  if (!notes.empty()) insert_after(out, "areas", "notes", std::move(notes));
  if (dates.size() > 1) {
    // After `today`, as the schema lists it.
    Json ordered = Json::object();
    for (auto& [key, value] : out.items()) {
      ordered[key] = std::move(value);
      if (key == "today") ordered["merged_dates"] = dates;
    }
    out = std::move(ordered);
  }
  aggregate(out);
  return out;
}

namespace {

// A finding's identity across runs: rule, entity and message (lines move).
std::string finding_key(const std::string& entity, const Json& f) {
  return fmt::format("{}\x1f{}\x1f{}", f["rule"].get<std::string>(), entity,
                     f["message"].get<std::string>());
}

// The finding object of a key made by finding_key().
Json finding_of(const std::string& key) {
  const auto p1 = key.find('\x1f');
  const auto p2 = key.find('\x1f', p1 + 1);
  return Json{{"rule", key.substr(0, p1)},
              {"entity", key.substr(p1 + 1, p2 - p1 - 1)},
              {"message", key.substr(p2 + 1)}};
}

// One report's side of a comparison row (a team, or the org).
struct Side {
  std::string level = "none";
  bool present = false;
  std::set<std::string> findings;              // finding_key()s
  std::set<std::string> entities;              // entity refs
  std::map<std::string, std::string> hatches;  // entity -> state
};

// One report as compare() reads it: each team's side, the org's, and each entity's own team
// (kUnowned when none).
struct Scan {
  std::map<std::string, Side> teams;
  Side org;
  std::map<std::string, std::string> team_of;
};

Scan scan(const Json& report) {
  Scan out;
  auto side_of = [](Side& s, const Json& row) {
    s.present = true;
    s.level = row["level"].is_string() ? row["level"].get<std::string>() : "none";
    for (const Json& h : row["inventories"]["escape_hatches"])
      s.hatches[h["entity"].get<std::string>()] = h["state"].get<std::string>();
  };
  std::map<std::string, std::string> parent;
  for (const Json& t : report["teams"]) {
    side_of(out.teams[t["ref"].get<std::string>()], t);
    if (t["parent"].is_string())
      parent[t["ref"].get<std::string>()] = t["parent"].get<std::string>();
  }
  side_of(out.org, report["org"]);
  for (const Json& e : report["entities"]) {
    const std::string ref = e["ref"].get<std::string>();
    std::vector<std::string> chain;
    if (e.contains("team") && e["team"].is_string()) {
      std::set<std::string> seen;
      for (std::string g = e["team"].get<std::string>(); !g.empty() && seen.insert(g).second;) {
        chain.push_back(g);
        const auto it = parent.find(g);
        g = it == parent.end() ? std::string() : it->second;
      }
    } else {
      chain.emplace_back(kUnowned);
    }
    out.team_of.emplace(ref, chain.front());
    out.org.entities.insert(ref);
    for (const Json& f : e["findings"]) out.org.findings.insert(finding_key(ref, f));
    for (const std::string& g : chain) {
      Side& s = out.teams[g];
      s.entities.insert(ref);
      for (const Json& f : e["findings"]) s.findings.insert(finding_key(ref, f));
    }
  }
  for (const Json& f : report["unattributed_findings"]) out.org.findings.insert(finding_key("", f));
  return out;
}

// One direction of a change, from side `from` to side `to`: the entities `to` has and `from` has
// not that the `other` report has too, each with its team there under `dir` ("from" or "to");
// the findings `to` has and `from` has not, moved with such an entity when `other` has them, else
// new (added, or fixed when read backwards).
struct Delta {
  Json moved = Json::array(), moved_findings = Json::array(), findings = Json::array();
  std::set<std::string> refs;  // of `moved`
};

Delta delta(const Side& from, const Side& to, const Scan& other, const char* dir) {
  Delta d;
  for (const std::string& ref : to.entities)
    if (!from.entities.count(ref) && other.team_of.count(ref)) {
      d.refs.insert(ref);
      d.moved.push_back({{"entity", ref}, {dir, other.team_of.at(ref)}});
    }
  for (const std::string& k : to.findings) {
    if (from.findings.count(k)) continue;
    Json f = finding_of(k);
    const std::string entity = f["entity"].get<std::string>();
    if (d.refs.count(entity) && other.org.findings.count(k)) {
      f[dir] = other.team_of.at(entity);
      d.moved_findings.push_back(std::move(f));
    } else {
      d.findings.push_back(std::move(f));
    }
  }
  return d;
}

// What changed between two sides: level, findings, entities and escape hatches. Moves are told
// apart from additions and fixes with the whole reports (`olds`, `news`): an entity that was in
// the old report under another team moved, and so did each of its findings both reports have.
Json change_row(const Side& a, const Side& b, const Scan& olds, const Scan& news) {
  Delta in = delta(a, b, olds, "from"), out = delta(b, a, news, "to");
  const std::set<std::string>&came = in.refs, &left = out.refs;
  Json added = std::move(in.findings), fixed = std::move(out.findings),
       moved_in = std::move(in.moved), moved_out = std::move(out.moved),
       findings_in = std::move(in.moved_findings), findings_out = std::move(out.moved_findings),
       opened = Json::array(), closed = Json::array(), expired = Json::array();
  for (const auto& [entity, state] : b.hatches) {
    if (!a.hatches.count(entity) && !came.count(entity)) opened.push_back(entity);
    // Expired since the old report, wherever the entity was then.
    const auto was = olds.org.hatches.find(entity);
    if (state == "expired" && (was == olds.org.hatches.end() || was->second != "expired"))
      expired.push_back(entity);
  }
  for (const auto& [entity, state] : a.hatches)
    if (!b.hatches.count(entity) && !left.count(entity)) closed.push_back(entity);
  const bool level_moved = a.level != b.level;
  const bool any = level_moved || !added.empty() || !fixed.empty() || !moved_in.empty() ||
                   !moved_out.empty() || !opened.empty() || !closed.empty() || !expired.empty() ||
                   a.present != b.present;
  return Json{
      {"old_level", a.present ? Json(a.level) : Json(nullptr)},
      {"new_level", b.present ? Json(b.level) : Json(nullptr)},
      {"level_move", level_moved ? Json(fmt::format("{} → {}", a.present ? a.level : "absent",
                                                    b.present ? b.level : "absent"))
                                 : Json(nullptr)},
      {"findings_added", std::move(added)},
      {"findings_fixed", std::move(fixed)},
      {"entities_moved_in", std::move(moved_in)},
      {"entities_moved_out", std::move(moved_out)},
      {"findings_moved_in", std::move(findings_in)},
      {"findings_moved_out", std::move(findings_out)},
      {"escape_hatches_opened", std::move(opened)},
      {"escape_hatches_closed", std::move(closed)},
      {"escape_hatches_expired", std::move(expired)},
      {"changed", any}};
}

}  // namespace

Json compare(const Json& old, const Json& now) {
  const Scan olds = scan(old), news = scan(now);
  std::set<std::string> refs;
  for (const auto& [ref, side] : olds.teams) refs.insert(ref);
  for (const auto& [ref, side] : news.teams) refs.insert(ref);
  Json out = Json::array();
  Json touched = Json::array();
  static const Side absent;
  for (const std::string& ref : refs) {
    const auto a = olds.teams.find(ref), b = news.teams.find(ref);
    Json row = {{"ref", ref}};
    row.update(change_row(a == olds.teams.end() ? absent : a->second,
                          b == news.teams.end() ? absent : b->second, olds, news));
    if (row["changed"].get<bool>()) touched.push_back(ref);
    out.push_back(std::move(row));
  }
  // The org: every entity is its own, so nothing moves in or out; what changed team is listed.
  Json org = change_row(olds.org, news.org, olds, news);
  Json moved = Json::array();
  for (const auto& [ref, team] : news.team_of)
    if (const auto it = olds.team_of.find(ref); it != olds.team_of.end() && it->second != team)
      moved.push_back({{"entity", ref}, {"from", it->second}, {"to", team}});
  org.erase("entities_moved_in");
  org.erase("entities_moved_out");
  org.erase("findings_moved_in");
  org.erase("findings_moved_out");
  if (!moved.empty()) org["changed"] = true;
  org["entities_moved"] = std::move(moved);
  return Json{{"old_today", old["today"]},
              {"new_today", now["today"]},
              {"touched", std::move(touched)},
              {"org", std::move(org)},
              {"teams", std::move(out)}};
}

}  // namespace catalog_lint::team
