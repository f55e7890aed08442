#include "core/linter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "core/app_config.h"
#include "core/changes.h"
#include "core/discover.h"
#include "core/entity.h"
#include "core/entity_ref.h"
#include "core/locations.h"
#include "core/parallel.h"
#include "core/registry.h"
#include "core/relations.h"
#include "core/repo.h"
#include "core/skeleton.h"
#include "core/snapshot.h"
#include "core/stamp.h"
#include "core/suggest.h"
#include "rules/declarative.h"
#include "rules/placeholders.h"

namespace catalog_lint {

namespace {

/// Collects the source lines an entity summary needs into EntitySummary::lines, each line once.
class LineCollector {
 public:
  LineCollector(const SourceText& src, EntitySummary& s) : src_(src), s_(s) {}
  LineSlice get(int line) {
    // Fields come in document order, so the line is usually the last one kept; an entity with
    // thousands of fields (annotations, tags) must not cost a search of all of them each time.
    if (line == last_line_) return last_;
    if (const auto it = seen_.find(line); it != seen_.end()) return it->second;
    std::string_view text = src_.line(line);
    // Slices are 32-bit: past 4 GiB of lines in one entity (only with a raised file-size limit)
    // a field keeps an empty line, and its findings show no snippet.
    if (s_.lines.size() + text.size() > UINT32_MAX) text = {};
    const LineSlice slice{static_cast<std::uint32_t>(s_.lines.size()),
                          static_cast<std::uint32_t>(text.size())};
    s_.lines.append(text);
    seen_.emplace(line, slice);
    last_line_ = line, last_ = slice;
    return slice;
  }

 private:
  const SourceText& src_;
  EntitySummary& s_;
  std::unordered_map<int, LineSlice> seen_;
  int last_line_ = 0;  // lines count from 1: 0 is "none yet"
  LineSlice last_;
};

/// Records one scalar (or key position) for the catalog phase.
/// `pointer` is a string literal or interned; `item` >= 0 for a list item of the list `pointer`
/// + '/' (list indices are not interned: one entity can have thousands).
void add_field(EntitySummary& s, LineCollector& lines, std::string_view pointer, const Node* at,
               std::string value, int item = -1) {
  if (at == nullptr) return;
  s.fields.push_back(
      SummaryField{pointer, item, std::move(value), at->pos, at->end, lines.get(at->pos.line)});
}

/// The compact record of `entity` for the catalog phase (EntitySummary, src/core/rule.h).
/// With `detailed` false only the identity is kept (ref, kind, name and its position): enough for
/// duplicate-entity, and what a file gets when no policy rule runs on it, so that memory stays
/// small for repositories without a policy.
EntitySummary summarize(const Entity& entity, const std::string& ref, const std::string& file,
                        const SourceText& text, const Policy* policy, bool detailed = true) {
  EntitySummary s;
  LineCollector src(text, s);
  s.ref = ref;
  s.kind = std::string(entity.kind());
  s.file = file;
  s.document = entity.document;
  s.name = std::string(entity.name());
  s.ns = std::string(entity.namespace_or_default());
  const Node* meta = entity.metadata();
  const Node* name = meta ? meta->get("name") : nullptr;
  s.name_pos = name ? name->pos : entity.root->pos;
  s.name_end = name ? name->end : SourcePos{};
  s.name_line = src.get(s.name_pos.line);
  if (!detailed) return s;
  if (meta && meta->key) add_field(s, src, "/metadata", meta->key, "");
  if (meta && meta->is_map()) {
    // Tags: only what the golden-path rules read (`golden-path`, `golden-path:<template>`).
    if (const Node* tags = meta->get("tags"); tags && tags->is_seq())
      for (std::size_t i = 0; i < tags->items.size(); ++i)
        if (tags->items[i]->is_string() && tags->items[i]->text.starts_with("golden-path"))
          add_field(s, src, "/metadata/tags/", tags->items[i], tags->items[i]->text,
                    static_cast<int>(i));
    if (const Node* ann = meta->get("annotations"); ann && ann->is_map()) {
      for (const auto& [k, v] : ann->entries) {
        const std::string_view key = k->text;
        const bool wanted = (policy && !policy->annotation_prefix.empty() &&
                             key.starts_with(policy->annotation_prefix)) ||
                            key == "backstage.io/source-template" ||
                            key.starts_with("pagerduty.com/") || key.starts_with("opsgenie.com/");
        if (wanted && v->is_scalar())
          add_field(s, src, intern_pointer("/metadata/annotations/" + pointer_token(key)), v,
                    v->type == NodeType::null ? "" : v->text);
      }
    }
  }
  const Node* spec = entity.spec();
  if (spec && spec->key) add_field(s, src, "/spec", spec->key, "");
  if (spec && spec->is_map()) {
    for (const std::string_view f : {"/spec/type", "/spec/lifecycle", "/spec/owner"})
      if (const Node* n = spec->get(f.substr(6)); n && n->is_string())
        add_field(s, src, f, n, n->text);
    if (const Node* n = spec->get("type"); n && n->is_string()) s.type = n->text;
    if (const Node* n = spec->get("lifecycle"); n && n->is_string()) s.lifecycle = n->text;
    if (const Node* profile = spec->get("profile"); profile && profile->is_map())
      if (const Node* n = profile->get("email"); n && n->is_string())
        add_field(s, src, "/spec/profile/email", n, n->text);
    // A Location's targets: kind-not-allowed-by-catalog-rules follows them back to the
    // app-config location an entity originates at.
    if (s.kind == "Location") {
      if (const Node* n = spec->get("target"); n && n->is_string())
        add_field(s, src, "/spec/target", n, n->text);
      if (const Node* n = spec->get("targets"); n && n->is_seq())
        for (std::size_t i = 0; i < n->items.size(); ++i)
          if (n->items[i]->is_string())
            add_field(s, src, "/spec/targets/", n->items[i], n->items[i]->text,
                      static_cast<int>(i));
    }
    // Relation fields (the reference rules, rules/references.cpp): the single-valued ones, and
    // each list's key (for "does not list") and string items.
    for (const std::string_view f : {"/spec/system", "/spec/domain", "/spec/subcomponentOf",
                                     "/spec/subdomainOf", "/spec/parent"})
      if (const Node* n = spec->get(f.substr(6)); n && n->is_string())
        add_field(s, src, f, n, n->text);
    static constexpr std::pair<std::string_view, std::string_view> kLists[] = {
        {"/spec/providesApis", "/spec/providesApis/"},
        {"/spec/consumesApis", "/spec/consumesApis/"},
        {"/spec/dependsOn", "/spec/dependsOn/"},
        {"/spec/dependencyOf", "/spec/dependencyOf/"},
        {"/spec/children", "/spec/children/"},
        {"/spec/members", "/spec/members/"},
        {"/spec/memberOf", "/spec/memberOf/"}};
    for (const auto& [list, items] : kLists) {
      const Node* n = spec->get(list.substr(6));
      if (n == nullptr || !n->is_seq()) continue;
      add_field(s, src, list, spec->get_key(list.substr(6)), "");
      for (std::size_t i = 0; i < n->items.size(); ++i)
        if (n->items[i]->is_string())
          add_field(s, src, items, n->items[i], n->items[i]->text, static_cast<int>(i));
    }
  }
  s.fields.shrink_to_fit();
  s.lines.shrink_to_fit();
  return s;
}

// The relative targets of a Location entity (spec.target, spec.targets[]), for following.
void collect_targets(const Entity& e, const std::string& ref, const std::string& file,
                     const SourceText& src, std::vector<LocationTarget>& out) {
  const Node* spec = e.spec();
  if (spec == nullptr || !spec->is_map()) return;
  const Node* type = spec->get("type");
  const Node* presence = spec->get("presence");
  std::shared_ptr<const std::string> line;
  int line_no = 0;
  auto add = [&](const Node* n, std::string pointer) {
    if (n == nullptr || !n->is_string()) return;
    LocationTarget t;
    t.file = file;
    t.target = n->text;
    t.type = type && type->is_string() ? type->text : "";
    t.optional = presence && presence->str() == "optional";
    t.document = e.document;
    t.entity = ref;
    t.pointer = std::move(pointer);
    t.pos = n->pos;
    t.end = n->end;
    if (!line || line_no != n->pos.line)  // one copy per line, however many targets it holds
      line = std::make_shared<const std::string>(src.line(n->pos.line)), line_no = n->pos.line;
    t.source_line = line;
    out.push_back(std::move(t));
  };
  add(spec->get("target"), "/spec/target");
  if (const Node* targets = spec->get("targets"); targets && targets->is_seq())
    for (std::size_t i = 0; i < targets->items.size(); ++i)
      add(targets->items[i], "/spec/targets/" + std::to_string(i));
}

// When `file`'s config is invalid (ResolvedConfig::error): the result that reports it as not
// linted (`invalid-config` at 1:1), plus, once per run, the config error at its own position.
std::optional<FileResult> not_linted(const std::string& file, const LintOptions& options) {
  if (!options.resolver) return std::nullopt;
  const ResolvedConfig& resolved = options.resolver->for_file(file);
  if (!resolved.error) return std::nullopt;
  const ConfigError& e = *resolved.error;
  FileResult r;
  r.file = file;
  r.rules = &resolved.rules;
  r.unreadable = true;  // exit code 2, like a file that cannot be read
  auto add = [&](const std::string& in, SourcePos at, std::string message, std::string help) {
    Diagnostic d = new_diagnostic(RuleId::invalid_config);
    d.message = std::move(message);
    d.help = std::move(help);
    d.file = in;
    d.start = at.valid() ? at : SourcePos{1, 1, 1, 0};
    d.document = -1;
    d.fixed_severity = Severity::error;  // never hidden: the file was not checked
    r.diagnostics.push_back(std::move(d));
  };
  const std::string where =
      e.pos().valid() ? fmt::format("{}:{}:{}", e.file(), e.pos().line, e.pos().column) : e.file();
  add(file, {}, fmt::format("file not linted: its config '{}' is invalid", resolved.config->file),
      fmt::format("fix the config error at {}; the other files are still linted", where));
  if (options.resolver->claim(&e))
    add(e.file(), e.pos(), e.message(),
        "fix the config file; until then the files it applies to are not linted");
  return r;
}

/// A finding of `rule` about file `file` as a whole (no document), at `at`.
Diagnostic file_finding(RuleId rule, const std::string& file, SourcePos at, std::string message,
                        std::string help) {
  Diagnostic d = new_diagnostic(rule);
  d.message = std::move(message);
  d.help = std::move(help);
  d.file = file;
  d.start = at;
  d.document = -1;
  return d;
}

/// An `internal-error` finding: rule `rule` threw `what` while checking entity `ref` (at `pos`)
/// of `file`.
Diagnostic internal_error(std::string_view rule, const std::string& file, const std::string& ref,
                          int document, SourcePos pos, std::string_view what) {
  Diagnostic d = new_diagnostic(RuleId::internal_error);
  d.message = fmt::format("rule '{}' failed on {}: {}", rule,
                          ref.empty() ? std::string("this document") : ref, what);
  d.help =
      "a fault of catalog-lint, not of the file: the entity's other rules ran; please report it "
      "with this file";
  d.file = file;
  d.start = pos;
  d.document = document;
  d.entity = ref;
  return d;
}

/// Runs `check` for rule `rule`, reporting through `ctx`; an exception drops what the rule
/// reported for this entity and becomes an `internal-error` finding instead.
template <class F>
void guarded(std::string_view rule, EntityContext& ctx, std::vector<Diagnostic>& out,
             const Entity& entity, const std::string& ref, F check) {
  ctx.bind(rule);
  const std::size_t before = ctx.size();
  std::string what;
  try {
    check();
    return;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "an unknown exception";
  }
  ctx.truncate(before);
  const Node* meta = entity.metadata();
  const Node* name = meta ? meta->get("name") : nullptr;
  out.push_back(internal_error(rule, std::string(entity.file), ref, entity.document,
                               name ? name->pos : entity.root->pos, what));
}

/// What becomes of `file` (content `bytes`) as a scaffolder skeleton (docs/skeletons.md).
enum class AsSkeleton { no, skip, lint };
AsSkeleton as_skeleton(const std::string& file, std::string_view bytes, const LintOptions& options,
                       const Policy* policy) {
  if (!options.detect_skeletons) return AsSkeleton::no;
  const bool found = options.skeleton_files && options.skeleton_files->count(file) > 0;
  // By content, as discovery sniffs: an entity file (a Backstage apiVersion or kind) holding
  // template expressions; a scaffolder step fragment named on the command line is no skeleton.
  if (!found && !(sniff_skeleton(bytes) && (sniff_backstage(bytes) || sniff_backstage_kind(bytes))))
    return AsSkeleton::no;
  const bool lint = options.lint_skeletons ? *options.lint_skeletons
                                           : policy != nullptr && policy->lint_skeletons;
  return lint ? AsSkeleton::lint : AsSkeleton::skip;
}

/// The result of a file left out: `why` is FileResult::skipped_skeleton or skipped_not_entity.
FileResult skipped(const std::string& file, const RuleConfig* rules, bool FileResult::*why) {
  FileResult r;
  r.file = file;
  r.rules = rules;
  r.*why = true;
  return r;
}

/// True when LintOptions::skip_non_entities leaves `file` (content `bytes`) out.
bool not_an_entity_file(const std::string& file, std::string_view bytes,
                        const LintOptions& options) {
  if (!options.skip_non_entities) return false;
  const std::size_t slash = file.find_last_of('/');
  return !walk_takes(slash == std::string::npos ? std::string_view(file)
                                                : std::string_view(file).substr(slash + 1),
                     bytes);
}

/// lint_bytes with the file's configuration already looked up; `skeleton`: in skeleton mode.
FileResult lint_loaded(const std::string& file, std::string bytes, const LintOptions& options,
                       const RuleConfig* rules, const Policy* policy, bool skeleton_mode = false) {
  FileResult result;
  result.file = file;
  result.rules = rules;
  // Skeleton mode: the rules read the neutral text; positions and lines shown are the original's
  // (the same bytes and lines, skeleton.h).
  std::shared_ptr<SkeletonFile> skeleton;
  if (skeleton_mode) {
    SkeletonText neutral = neutralize_skeleton(bytes);
    skeleton = std::make_shared<SkeletonFile>(
        SkeletonFile{SourceText(std::move(bytes)), std::move(neutral), {}});
    bytes = skeleton->neutral.text;
  }
  const Registry& registry = *options.registry;
  // The rules that run on this file, and whether any policy rule does (policy rules read the
  // detailed summaries).
  std::vector<const Rule*> entity_rules;
  bool policy_on = false;
  for (const Rule& r : registry.rules()) {
    if (!rules->enabled(r.id)) continue;
    if (r.kind == RuleKind::entity && r.entity) entity_rules.push_back(&r);
    policy_on = policy_on || is_policy_category(r.info.category);
  }
  // Backstage's own checks that are off here: with a `key:<CR>value` in the file they still run,
  // unseen, so that whether the CR broke the value does not depend on the rules selected.
  std::vector<const Rule*> unseen_backstage_rules;
  for (const Rule& r : registry.rules())
    if (!rules->enabled(r.id) && r.kind == RuleKind::entity && r.entity &&
        r.info.category == "backstage")
      unseen_backstage_rules.push_back(&r);
  std::vector<const DeclarativeRule*> declarative;
  if (policy)
    for (const auto& d : policy->declarative_rules)
      if (rules->enabled(d->info.id)) declarative.push_back(d.get());
  policy_on = policy_on || !declarative.empty();
  LoadedFile loaded = load_yaml(std::move(bytes), options.limits, /*yaml11_notes=*/true);
  const SourceText& src = skeleton ? skeleton->original : *loaded.source;  // lines shown
  auto& out = result.diagnostics;
  for (Diagnostic& d : loaded.diagnostics) {
    d.file = file;
    for (RelatedNote& n : d.notes)
      if (n.file.empty()) n.file = file;
    out.push_back(std::move(d));
  }
  std::vector<Diagnostic> unseen;  // findings of unseen_backstage_rules, never reported
  std::unordered_map<int, std::string> document_refs;  // document index → its entity ref
  for (const LoadedDocument& doc : loaded.documents) {
    // Backstage skips empty (null) documents silently.
    if (doc.root == nullptr || doc.root->type == NodeType::null) continue;
    if (!doc.root->is_map()) {
      Diagnostic d = new_diagnostic(RuleId::non_mapping_document);
      // Backstage names the type with JavaScript's typeof, for which a list is an "object" too.
      d.message =
          doc.root->is_seq()
              ? std::string(
                    "document root is a list (a YAML sequence), not a mapping; Backstage expects "
                    "an entity object (\"Expected object at root, got object\": to JavaScript a "
                    "list is an object too)")
              : fmt::format(
                    "document root is {}, not a mapping; Backstage expects an entity object "
                    "(\"Expected object at root, got {}\")",
                    json_type_name(doc.root->type), json_type_name(doc.root->type));
      d.help = "a catalog document is a mapping with apiVersion, kind, metadata and spec";
      d.file = file;
      d.start = doc.root->pos;
      d.end = doc.root->end;
      d.document = doc.index;
      out.push_back(std::move(d));
      continue;
    }
    Entity entity{doc.root, doc.index, file};
    const std::string ref = entity.ref();
    if (!ref.empty()) document_refs.emplace(doc.index, ref);
    if (skeleton)
      if (const Node* meta = entity.metadata(); meta && meta->is_map())
        if (const Node* name = meta->get("name"); name && name->end.valid())
          skeleton->names.emplace_back(name->pos.offset, name->end.offset);
    EntityContext ctx(file, ref, doc.index, out, policy, rules);
    for (const Rule* r : entity_rules)
      guarded(r->info.id, ctx, out, entity, ref, [&] { r->entity->check(entity, ctx); });
    for (const DeclarativeRule* d : declarative)
      guarded(d->info.id, ctx, out, entity, ref, [&] { check_declarative(*d, entity, ctx); });
    if (!loaded.plain_value_crs.empty() && !unseen_backstage_rules.empty()) {
      EntityContext unseen_ctx(file, ref, doc.index, unseen, policy, rules);
      for (const Rule* r : unseen_backstage_rules)
        guarded(r->info.id, unseen_ctx, unseen, entity, ref,
                [&] { r->entity->check(entity, unseen_ctx); });
    }
    if (options.collect_placeholder_targets)
      for_each_placeholder(
          entity.root,
          [](const Node* n) {
            const std::string& key = n->entries[0].first->text;
            return (key == "$text" || key == "$json" || key == "$yaml") &&
                   n->entries[0].second->is_string();
          },
          [&](const Node* n, const std::string&) {
            std::string path = placeholder_target_path(file, n->entries[0].second->text);
            if (!path.empty()) result.placeholder_targets.push_back(std::move(path));
          });
    // A skeleton's Location targets lie in the repository it will make, not in this one.
    if (entity.kind() == "Location" && !skeleton)
      collect_targets(entity, ref, file, src, result.locations);
    if (!ref.empty()) {
      // Groups, Users and Templates are looked up by other files' policy rules: always detailed;
      // so is every entity of a team report, whose inventories read the facts whatever rules run.
      const std::string kind = to_lower(entity.kind());
      const bool org = kind == "group" || kind == "user" || kind == "template";
      EntitySummary s =
          summarize(entity, ref, file, src, policy, org || policy_on || options.keep_index);
      s.rules = rules;
      s.policy = policy;
      s.skeleton = skeleton != nullptr;
      result.entities.push_back(std::move(s));
    }
  }
  // `title:<CR>t` (bare-cr-line-break): the value is Backstage's, "\rt". A finding on it is the
  // CR's consequence and goes (one cause, one finding); with none, Backstage accepts the value
  // and the CR, which the author did not mean, is a warning.
  if (!loaded.plain_value_crs.empty()) {
    const std::vector<std::size_t>& crs = loaded.plain_value_crs;
    std::vector<char> caused(crs.size(), 0);
    const auto cr_at = [&](std::size_t offset) {
      const auto it = std::lower_bound(crs.begin(), crs.end(), offset);
      return it != crs.end() && *it == offset ? static_cast<std::size_t>(it - crs.begin())
                                              : crs.size();
    };
    const std::string_view cr_rule = rule_name(RuleId::bare_cr_line_break);
    const auto consequence = [&](const Diagnostic& d) {
      if (d.rule == cr_rule || d.start.offset == 0) return false;
      const std::size_t k = cr_at(d.start.offset - 1);
      if (k == crs.size()) return false;
      caused[k] = 1;
      return true;
    };
    std::erase_if(out, consequence);
    for (const Diagnostic& d : unseen) consequence(d);
    for (Diagnostic& d : out)
      if (d.rule == cr_rule)
        if (const std::size_t k = cr_at(d.start.offset); k < crs.size() && !caused[k])
          d.fixed_severity = Severity::warning;
  }
  // Findings from expressions go before the limits count findings.
  if (skeleton)
    std::erase_if(out, [&](const Diagnostic& d) {
      return from_expression(skeleton->neutral, d, skeleton->names);
    });
  if (result.locations.size() > options.limits.max_findings) {
    // Each target may become a file to lint or a finding: bounded like the findings.
    const SourcePos at = result.locations[options.limits.max_findings].pos;
    result.locations.resize(options.limits.max_findings);
    out.push_back(file_finding(
        RuleId::limit_exceeded, file, at,
        fmt::format("file names more than {} Location targets; the rest are not followed",
                    options.limits.max_findings),
        "split the Location, or raise the limit with --limit findings=N"));
  }
  if (out.size() > options.limits.max_findings) {
    // Keep the first ones in report order, so that the cut does not depend on the rules' order.
    std::stable_sort(out.begin(), out.end(), diagnostic_less);
    const SourcePos at = out[options.limits.max_findings].start;
    out.resize(options.limits.max_findings);
    out.push_back(file_finding(RuleId::limit_exceeded, file, at,
                               fmt::format("file has more than {} findings; the rest are not "
                                           "reported",
                                           options.limits.max_findings),
                               "fix these first, or raise the limit with --limit findings=N"));
  }
  std::optional<SourcePos> cut;
  result.suppressions = parse_suppressions(src, options.limits.max_findings, &cut);
  if (cut)
    out.push_back(file_finding(
        RuleId::limit_exceeded, file, *cut,
        fmt::format("file has more than {} suppression rule names; the directives from here on "
                    "are not read",
                    options.limits.max_findings),
        "suppress by rule in .catalog-lint.yaml (rules: or overrides:), or raise the limit with "
        "--limit findings=N"));
  // Each source line copied once however many findings point at it.
  std::unordered_map<int, std::shared_ptr<const std::string>> lines;
  for (Diagnostic& d : out) {
    if (!d.start.valid()) d.start = src.pos_at(0, 0);
    // The loader's findings in a document (a duplicate key, an alias) belong to its entity too:
    // reports by entity (JUnit, the team report) must not lose them.
    if (d.entity.empty() && d.document >= 0)
      if (const auto it = document_refs.find(d.document); it != document_refs.end())
        d.entity = it->second;
    if (d.source_line) continue;
    auto& line = lines[d.start.line];
    if (!line) line = std::make_shared<const std::string>(src.line(d.start.line));
    d.source_line = line;
  }
  if (skeleton) {
    for (Diagnostic& d : out) skeleton->adjust(d);  // none is dropped any more
    result.skeleton = std::move(skeleton);
  }
  return result;
}

/// The effective rule configuration and policy of `file`.
std::pair<const RuleConfig*, const Policy*> config_of(const std::string& file,
                                                      const LintOptions& options) {
  if (!options.resolver) return {&options.config, &builtin_config().policy};
  const ResolvedConfig& resolved = options.resolver->for_file(file);
  return {&resolved.rules, &resolved.policy()};
}

}  // namespace

const RuleConfig& rules_for(const std::string& file, const LintOptions& options) {
  return options.resolver ? options.resolver->for_file(file).rules : options.config;
}

FileResult lint_bytes(const std::string& file, std::string bytes, const LintOptions& options) {
  if (auto r = not_linted(file, options)) return std::move(*r);
  const auto [rules_found, policy_found] = config_of(file, options);
  const RuleConfig* rules = rules_found;  // plain variables: lambdas capture them (clang-14)
  const Policy* policy = policy_found;
  if (not_an_entity_file(file, bytes, options))
    return skipped(file, rules, &FileResult::skipped_not_entity);
  const AsSkeleton as = as_skeleton(file, bytes, options, policy);
  if (as == AsSkeleton::skip) return skipped(file, rules, &FileResult::skipped_skeleton);
  return lint_loaded(file, std::move(bytes), options, rules, policy, as == AsSkeleton::lint);
}

FileResult lint_file(const std::string& file, const LintOptions& options) {
  if (auto r = not_linted(file, options)) return std::move(*r);
  const auto [rules_found, policy_found] = config_of(file, options);
  const RuleConfig* rules = rules_found;  // plain variables: lambdas capture them (clang-14)
  const Policy* policy = policy_found;
  auto whole_file = [&](RuleId rule, std::string message, std::string help) {
    Diagnostic d =
        file_finding(rule, file, SourcePos{1, 1, 1, 0}, std::move(message), std::move(help));
    FileResult r;
    r.file = file;
    r.rules = rules;
    r.diagnostics.push_back(std::move(d));
    return r;
  };
  FileBytes in = read_regular_file(file, options.limits.max_file_bytes);
  if (!in.error.empty()) {
    FileResult r =
        whole_file(RuleId::unreadable_file, fmt::format("cannot read file: {}", in.error),
                   in.error.find("outside the repository") != std::string::npos
                       ? "lint the file where it lives, or replace the link with a copy of it"
                       : "check that the path exists, is a regular file and is readable");
    r.unreadable = true;
    return r;
  }
  if (in.too_big)
    return whole_file(
        RuleId::limit_exceeded,
        fmt::format("file is {} bytes, over the limit of {} bytes; it is not linted", in.size,
                    options.limits.max_file_bytes),
        "catalog files are small; raise the limit with --limit file-bytes=N if this one must be "
        "linted");
  if (not_an_entity_file(file, in.bytes, options))
    return skipped(file, rules, &FileResult::skipped_not_entity);
  const AsSkeleton as = as_skeleton(file, in.bytes, options, policy);
  if (as == AsSkeleton::skip) return skipped(file, rules, &FileResult::skipped_skeleton);
  return lint_loaded(file, std::move(in.bytes), options, rules, policy, as == AsSkeleton::lint);
}

namespace {

/// The org catalog of the run: `--catalog` paths when given (they override the configs), else
/// the `catalog:` sources of every config the run read (ConfigResolver::catalog_sources).
std::vector<std::string> catalog_sources(const LintOptions& options) {
  if (!options.catalogs.empty()) return options.catalogs;
  return options.resolver ? options.resolver->catalog_sources() : std::vector<std::string>{};
}

/// The `unreadable-file` finding of catalog source `source` that cannot be read (`message`).
Diagnostic catalog_unreadable(const std::string& source, const std::string& message) {
  return file_finding(RuleId::unreadable_file, source,
                      SourcePos{.line = 1, .column = 1, .column_utf16 = 1}, message,
                      "refresh the catalog file (catalog-lint snapshot), or fix "
                      "`catalog:` in .catalog-lint.yaml");
}

/// How a catalog source is named in its findings: relative to the working directory when under
/// it, a folder with a trailing '/' (as a SARIF artifact URI names a directory), so that the
/// configuration of its findings is the one that applies inside it.
std::string source_artifact(const std::string& source) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string shown = source;
  const fs::path path(source);
  if (path.is_absolute()) {
    const fs::path rel = path.lexically_relative(fs::current_path(ec));
    if (!ec && !rel.empty() && *rel.begin() != "..") shown = rel.string();
  }
  if (fs::is_directory(path, ec) && !shown.ends_with('/')) shown += shown == "." ? "" : "/";
  return shown == "." ? "./" : shown;
}

/// The `.json` files at the top level of folder `dir` (a folder source reads entity YAML only,
/// so none of them is read unless named), sorted; at most 10,000 entries are looked at, and no
/// symbolic link (it may lead out of the repository), FIFO or device is listed.
std::vector<std::string> json_files_in(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  for (int n = 0; !ec && it != end && n < 10000; it.increment(ec), ++n) {
    std::string path = it->path().string();
    if (is_catalog_json_path(path) && !it->is_symlink(ec) && it->is_regular_file(ec))
      out.push_back(std::move(path));
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// The files of `json_files_in(dir)` that are snapshots: their first 512 bytes hold
/// `"format":"catalog-lint-snapshot"`, spaces allowed.
std::vector<std::string> snapshots_in(const std::string& dir) {
  static const RE2 kFormat(R"re("format"\s*:\s*"catalog-lint-snapshot")re");
  std::vector<std::string> out;
  for (std::string& path : json_files_in(dir)) {
    std::ifstream in(path, std::ios::binary);
    char head[512];
    in.read(head, sizeof head);
    if (RE2::PartialMatch(std::string_view(head, static_cast<std::size_t>(in.gcount())), kFormat))
      out.push_back(std::move(path));
  }
  return out;
}

/// The `incomplete-org-catalog` finding of a catalog source that yields no entity; `json`: a
/// folder whose `.json` files (snapshots) are not read as entity YAML.
Diagnostic empty_catalog_source(const std::string& source, bool json) {
  return file_finding(
      RuleId::incomplete_org_catalog, source_artifact(source),
      SourcePos{.line = 1, .column = 1, .column_utf16 = 1},
      fmt::format("catalog source '{}' holds no entities: owners and references are judged "
                  "without it",
                  source),
      json ? fmt::format("a folder source reads entity YAML only; name the snapshot file itself "
                         "(`catalog: [{}/<file>.json]`)",
                         source)
           : "name a folder or file of entity YAML, a snapshot (catalog-lint snapshot) or a "
             "Backstage API export in `catalog:` of .catalog-lint.yaml, or in --catalog");
}

/// The `incomplete-org-catalog` findings of the Groups the policy of the linted entities
/// designates (policy.platform_team, policy.architecture_committee) that are neither linted,
/// in the org catalog nor in policy.known_owners: escalation levels 2 and 3 would go nowhere.
/// Each ref once, at the value of the config that set it, else at `first_source` (the first
/// catalog source of the run); the help proposes a Group name within the suggestion bound.
void missing_designated_groups(const CatalogIndex& index, const std::string& first_source,
                               std::vector<Diagnostic>& out) {
  std::vector<const Policy*> policies;
  for (const EntitySummary& e : index.entities)
    if (e.policy != nullptr && (policies.empty() || policies.back() != e.policy))
      policies.push_back(e.policy);
  std::sort(policies.begin(), policies.end());
  policies.erase(std::unique(policies.begin(), policies.end()), policies.end());
  std::set<std::string> wanted;  // ref key → reported once
  struct Need {
    std::string key, role, field, what;
    Policy::SetAt at;
  };
  std::vector<Need> needs;
  for (const Policy* p : policies) {
    const std::string keys[] = {to_lower(p->platform_team), to_lower(p->architecture_committee)};
    for (int i = 0; i < 2; ++i) {
      const std::string& key = keys[i];
      if (key.empty() || !wanted.insert(key).second) continue;
      if (std::any_of(p->known_owners.begin(), p->known_owners.end(),
                      [&](const std::string& k) { return to_lower(k) == key; }))
        continue;
      needs.push_back(i == 0 ? Need{key, "platform team", "policy.platform_team",
                                    "escalation level 2 and escape-hatch approvals name",
                                    p->platform_team_at}
                             : Need{key, "architecture committee", "policy.architecture_committee",
                                    "escalation level 3 names", p->architecture_committee_at});
    }
  }
  for (const Need& n : needs) {
    auto is = [&](const EntitySummary& e) { return e.ref == n.key; };
    if (std::any_of(index.entities.begin(), index.entities.end(), is) ||
        std::any_of(index.org.begin(), index.org.end(), is) ||
        std::any_of(index.lazy_org.begin(), index.lazy_org.end(),
                    [&](const CatalogIndex::LazySource& l) {
                      // The index alone: reading the entity's line is the catalog rules' business.
                      const std::vector<std::string> keys = l.catalog->keys(n.key);
                      return std::find(keys.begin(), keys.end(), n.key) != keys.end();
                    }))
      continue;
    // A near miss among the names of the Groups of that namespace (`platform-tean`): the
    // config's typo, not a missing Group. Bounded by the name's length, not the ref's.
    const std::size_t slash = n.key.rfind('/');
    const std::string prefix = n.key.substr(0, slash + 1);  // "group:default/"
    std::vector<std::string> names;
    const auto add = [&](const EntitySummary& e) {
      if (e.ref.starts_with(prefix) && e.ref.starts_with("group:"))
        names.push_back(e.ref.substr(prefix.size()));
    };
    std::for_each(index.entities.begin(), index.entities.end(), add);
    std::for_each(index.org.begin(), index.org.end(), add);
    std::optional<std::string> near;
    if (slash != std::string::npos)
      if (const auto name = nearest_name(n.key.substr(slash + 1), names)) near = prefix + *name;
    std::string help =
        near ? fmt::format("did you mean '{}'? Set {} to it", *near, n.field)
             : fmt::format(
                   "add the Group to the org catalog, or set {} in .catalog-lint.yaml to "
                   "the {}'s Group",
                   n.field, n.role);
    // At the value in the config file that set it; at the catalog source for the default.
    const bool set = !n.at.file.empty();
    out.push_back(file_finding(
        RuleId::incomplete_org_catalog, set ? n.at.file : source_artifact(first_source),
        set ? n.at.pos : SourcePos{.line = 1, .column = 1, .column_utf16 = 1},
        fmt::format("the {} '{}' ({}) is not in the org catalog: {} a Group Backstage does not "
                    "know",
                    n.role, n.key, n.field, n.what),
        std::move(help)));
  }
}

/// Summaries of every entity under the catalog sources: entity YAML (folders as discovery walks
/// them, files), and JSON catalog files (snapshots, Backstage API exports: read_json_catalog).
/// Unreadable or unparsable YAML files are skipped (they are not linted, only looked up); a JSON
/// catalog that cannot be read is an `unreadable-file` finding in `errors` (a snapshot is the
/// whole org: silently ignoring it would make every reference dangle).
/// Version-2 snapshots go to `lazy` instead (read on demand, SnapshotIndex) unless `eager`.
/// A readable source that yields no entity (neither read here nor among the `linted` files) is
/// an `incomplete-org-catalog` finding in `gaps`.
std::vector<EntitySummary> load_org(const std::vector<std::string>& sources,
                                    const LintOptions& options, std::vector<Diagnostic>& errors,
                                    const std::vector<FileResult>& linted, bool eager,
                                    std::vector<CatalogIndex::LazySource>& lazy,
                                    std::vector<Diagnostic>& gaps) {
  std::vector<EntitySummary> org;
  if (sources.empty()) return org;
  const Policy* policy =
      options.resolver ? &options.resolver->fallback().policy() : &builtin_config().policy;
  std::vector<std::string> yaml;
  static const SourceText kNoText{std::string()};
  for (const std::string& source : sources) {
    if (!is_catalog_json_path(source)) {
      yaml.push_back(source);
      continue;
    }
    std::string error;
    if (!eager) {
      auto summarizer = [policy](const Entity& entity, const std::string& ref,
                                 const std::string& from) {
        EntitySummary s = summarize(entity, ref, from, kNoText, policy);
        s.policy = policy;
        return s;
      };
      bool other_layout = false;
      if (auto snapshot =
              SnapshotIndex::open_file(source, options.limits, summarizer, error, other_layout)) {
        lazy.push_back(CatalogIndex::LazySource{source, std::move(snapshot), org.size()});
        continue;
      }
    }
    JsonCatalog json;
    if (error.empty()) {
      json = read_json_catalog(source, options.limits);
      error = json.error;
    }
    if (!error.empty()) {
      errors.push_back(catalog_unreadable(source, error));
      continue;
    }
    const std::size_t before = org.size();
    for (std::size_t i = 0; i < json.entities.size(); ++i) {
      const JsonCatalog::Item& item = json.entities[i];
      if (item.root == nullptr || !item.root->is_map()) continue;
      Entity entity{item.root, static_cast<int>(i), item.file};
      const std::string ref = entity.ref();
      if (ref.empty()) continue;
      org.push_back(summarize(entity, ref, item.file, kNoText, policy));
      org.back().policy = policy;
    }
    if (org.size() == before) gaps.push_back(empty_catalog_source(source, false));
  }
  if (yaml.empty()) return org;
  // A catalog file the run lints is not read again: its entities are in the index already (a
  // monorepo's `catalog: [org, services]`, or catalog_complete, over a walk of the repository).
  namespace fs = std::filesystem;
  std::error_code ec;
  auto key = [&](const std::string& f) {
    return fs::absolute(fs::path(f), ec).lexically_normal().string();
  };
  std::unordered_set<std::string> seen;
  for (const FileResult& r : linted)
    if (!r.file.empty()) seen.insert(key(r.file));
  const Discovery found = discover(yaml, /*note_skeletons=*/false);  // never linted anyway
  for (const std::string& file : found.files) {
    if (seen.count(key(file))) continue;
    FileBytes in = read_regular_file(file, options.limits.max_file_bytes);
    if (!in.error.empty() || in.too_big) continue;
    LoadedFile loaded = load_yaml(std::move(in.bytes), options.limits);
    for (const LoadedDocument& doc : loaded.documents) {
      if (doc.root == nullptr || !doc.root->is_map()) continue;
      Entity entity{doc.root, doc.index, file};
      const std::string ref = entity.ref();
      if (ref.empty()) continue;
      org.push_back(summarize(entity, ref, file, *loaded.source, policy));
      org.back().policy = policy;
    }
  }
  // Which YAML sources gave nothing: an entity counts for every source it lies under.
  std::vector<std::string> entity_files;
  for (const EntitySummary& e : org) entity_files.push_back(key(e.file));
  for (const FileResult& r : linted)
    if (!r.entities.empty()) entity_files.push_back(key(r.file));
  std::sort(entity_files.begin(), entity_files.end());
  for (const std::string& source : yaml) {
    // The source itself (a file), or a path under it (a folder): those sort together.
    std::string at = key(source);
    while (at.size() > 1 && at.back() == '/') at.pop_back();
    const std::string prefix = at.ends_with('/') ? at : at + "/";
    const auto file = std::lower_bound(entity_files.begin(), entity_files.end(), at);
    const auto under = std::lower_bound(entity_files.begin(), entity_files.end(), prefix);
    const bool any = (file != entity_files.end() && *file == at) ||
                     (under != entity_files.end() && under->starts_with(prefix));
    if (!any) {
      gaps.push_back(empty_catalog_source(source, !json_files_in(source).empty()));
      continue;
    }
    // A folder that gave entities and also holds a snapshot it does not read (a trial: the
    // snapshot's entities were missing from the org catalog without a word).
    if (!fs::is_directory(source, ec)) continue;
    for (const std::string& snapshot : snapshots_in(source)) {
      const std::string k = key(snapshot);
      if (std::any_of(sources.begin(), sources.end(),
                      [&](const std::string& s) { return key(s) == k; }))
        continue;  // named in `catalog:` too: read as a snapshot
      const std::string shown =
          (fs::path(source) / fs::path(snapshot).filename()).lexically_normal().string();
      gaps.push_back(file_finding(
          RuleId::incomplete_org_catalog, source_artifact(source),
          SourcePos{.line = 1, .column = 1, .column_utf16 = 1},
          fmt::format("catalog source '{}' holds the snapshot '{}', which a folder source does "
                      "not read: its entities are not in the org catalog",
                      source, shown),
          fmt::format("name the snapshot in `catalog:` too (`catalog: [{}, {}]`), or move it out "
                      "of the folder",
                      source, shown)));
    }
  }
  return org;
}

/// The files of `change.others` a change affects: those that mention (case-insensitively) the
/// name of an entity the changed files define now (`results`) or defined at the base (`before`)
/// as a whole token,
/// and those under the directory of a changed `.catalog-lint.yaml`. An entity a change can
/// affect names the changed entity (its owner, System, a golden-path tag, an escalation contact),
/// so a changed catalog file needs no more than that: mentioning a name is a cheap superset of
/// referring to it, and the catalog phase then judges.
std::vector<std::string> affected_files(const ChangeSet& change,
                                        const std::vector<FileResult>& results,
                                        const std::vector<BaseEntity>& before,
                                        const LintOptions& options) {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  for (const FileResult& r : results)
    for (const EntitySummary& e : r.entities) names.push_back(to_lower(e.name));
  for (const BaseEntity& b : before) names.push_back(to_lower(b.name));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::erase(names, "");
  const std::unordered_set<std::string> wanted(names.begin(), names.end());
  std::size_t longest = 0;
  for (const std::string& n : names) longest = std::max(longest, n.size());
  std::error_code ec;
  auto under = [](const fs::path& file, const fs::path& dir) {
    const fs::path rel = file.lexically_relative(dir);
    return !rel.empty() && *rel.begin() != "..";
  };
  std::vector<fs::path> config_dirs;
  for (const std::string& c : change.changed)
    if (fs::path(c).filename() == ".catalog-lint.yaml")
      config_dirs.push_back(fs::path(c).parent_path());
  std::vector<char> take(change.others.size(), 0);
  if (!config_dirs.empty())
    for (std::size_t i = 0; i < change.others.size(); ++i) {
      const fs::path abs = fs::weakly_canonical(fs::absolute(change.others[i], ec), ec);
      for (const fs::path& dir : config_dirs) take[i] = take[i] || under(abs, dir);
    }
  parallel_for(change.others.size(), options.jobs, [&](std::size_t i) {
    if (take[i] || names.empty()) return;
    FileBytes in = read_regular_file(change.others[i], options.limits.max_file_bytes);
    if (!in.error.empty() || in.too_big) return;
    // A mention is the name as a whole token (entity names are made of name characters
    // only): one pass over the bytes, each token looked up once, whatever the number of names.
    auto name_char = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '_' || c == '.';
    };
    const std::string& text = in.bytes;
    std::string token;
    for (std::size_t at = 0; at < text.size();) {
      if (!name_char(text[at])) {
        ++at;
        continue;
      }
      const std::size_t from = at;
      while (at < text.size() && name_char(text[at])) ++at;
      if (at - from > longest) continue;
      token = to_lower(std::string_view(text).substr(from, at - from));
      if (wanted.count(token)) {
        take[i] = 1;
        return;
      }
    }
  });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < change.others.size(); ++i)
    if (take[i]) out.push_back(change.others[i]);
  return out;
}

/// `removed-entity-referenced`: each entity the changed files defined at the base that no linted
/// file nor the catalog defines now, while entities still name it in a relation (owners
/// included). One finding per removed entity, in the changed file, listing the referrers.
void removed_entities(const std::vector<BaseEntity>& before, const CatalogIndex& index,
                      const ChangeSet& change, const std::vector<FileResult>& results,
                      std::vector<Diagnostic>& out) {
  namespace fs = std::filesystem;
  std::unordered_set<std::string_view> now;
  for (const EntitySummary& e : index.entities) now.insert(e.ref);
  for (const EntitySummary& e : index.org) now.insert(e.ref);
  struct Referrer {
    const EntitySummary* entity;
    const SummaryField* field;
    std::string_view relation;
  };
  std::unordered_map<std::string, std::vector<Referrer>> gone;
  for (const BaseEntity& b : before)
    if (!now.count(b.ref)) gone.emplace(b.ref, std::vector<Referrer>{});
  if (gone.empty()) return;
  // Each referring value once: a monorepo's catalog holds the linted files too.
  std::set<std::tuple<std::string_view, std::string_view, int, int>> seen;
  auto scan = [&](const EntitySummary& e) {
    for_each_relation(e, [&](const SummaryField& f, const RelationField& r, const EntityRef& ref) {
      if (auto it = gone.find(ref.key()); it != gone.end())
        if (seen.emplace(e.ref, f.base, f.item, f.pos.line).second)
          it->second.push_back(Referrer{&e, &f, relation_name(r.pointer)});
    });
  };
  for (const EntitySummary& e : index.entities) scan(e);
  for (const EntitySummary& e : index.org) scan(e);
  std::error_code ec;
  std::unordered_map<std::string, std::string> shown;  // canonical path → as linted
  for (const FileResult& r : results)
    if (!r.file.empty()) shown.emplace(fs::weakly_canonical(fs::absolute(r.file, ec), ec), r.file);
  std::unordered_set<std::string_view> existed;
  for (const BaseEntity& b : before) existed.insert(b.ref);
  // The entity of the same kind that the changed file defines now and did not at the base, nearest
  // to where the removed one was: the rename's new name, if there is one.
  auto successor = [&](const BaseEntity& b, const std::string& file) -> const EntitySummary* {
    const std::string_view kind = std::string_view(b.ref).substr(0, b.ref.find(':') + 1);
    const EntitySummary* best = nullptr;
    for (const EntitySummary& e : index.entities) {
      if (e.file != file || !e.ref.starts_with(kind) || existed.count(e.ref)) continue;
      if (!best ||
          std::abs(e.name_pos.line - b.pos.line) < std::abs(best->name_pos.line - b.pos.line))
        best = &e;
    }
    return best;
  };
  std::unordered_set<std::string> reported;
  for (const BaseEntity& b : before) {
    auto it = gone.find(b.ref);
    if (it == gone.end() || it->second.empty() || !reported.insert(b.ref).second) continue;
    const std::vector<Referrer>& refs = it->second;
    std::string file = b.file;
    const EntitySummary* next = nullptr;
    if (auto s = shown.find(b.file); s != shown.end()) {
      file = s->second;
      next = successor(b, file);
    } else {
      file = fs::path(b.file).lexically_relative(fs::current_path(ec)).generic_string();
    }
    std::string list;
    constexpr std::size_t kListed = 5;
    for (std::size_t i = 0; i < refs.size() && i < kListed; ++i)
      list += fmt::format("{}{}:{}:{} ({} of {})", i ? ", " : "", refs[i].entity->file,
                          refs[i].field->pos.line, refs[i].field->pos.column, refs[i].relation,
                          refs[i].entity->ref);
    if (refs.size() > kListed) list += fmt::format(" and {} more", refs.size() - kListed);
    const std::string still =
        fmt::format("{} {} still {} it: {}", refs.size(), refs.size() == 1 ? "entity" : "entities",
                    refs.size() == 1 ? "names" : "name", list);
    Diagnostic d =
        next
            ? file_finding(RuleId::removed_entity_referenced, file, next->name_pos,
                           fmt::format("entity {} was renamed to {} since '{}', but {}", b.ref,
                                       next->ref, change.ref, still),
                           fmt::format("change the referrers to '{}' in the same pull request, "
                                       "or keep the name '{}' until they are changed",
                                       next->name, b.name))
            : file_finding(
                  RuleId::removed_entity_referenced, file,
                  SourcePos{.line = 1, .column = 1, .column_utf16 = 1},
                  fmt::format("entity {} was removed since '{}', but {}", b.ref, change.ref, still),
                  "keep the entity until the referrers are changed, or change them in the same "
                  "pull request");
    if (next) {
      d.end = next->name_end;
      d.document = next->document;
      d.source_line = std::make_shared<const std::string>(next->line_text(next->name_line));
    }
    d.entity = next ? next->ref : b.ref;
    for (const Referrer& r : refs)
      d.notes.push_back(RelatedNote{fmt::format("{} of {} names it", r.relation, r.entity->ref),
                                    r.entity->file, r.field->pos});
    out.push_back(std::move(d));
  }
}

/// `catalog-location-matches-nothing`: each `file` target of the run's app-config files that
/// matches no file (FileReaderProcessor: "file <target> does not exist"), at the target in its
/// app-config file, once per position.
void unmatched_locations(const std::vector<std::shared_ptr<const AppConfig>>& configs,
                         std::vector<Diagnostic>& out) {
  namespace fs = std::filesystem;
  std::set<std::tuple<std::string, int, int>> seen;
  for (const auto& c : configs)
    for (const AppConfigLocation* l : c->matching_nothing()) {
      if (!seen.emplace(l->file, l->pos.line, l->pos.column).second) continue;
      std::error_code ec;
      const fs::path dir = fs::weakly_canonical(fs::absolute(fs::path(l->file), ec), ec);
      std::string backend = fs::path(c->backend_dir).lexically_relative(dir.parent_path()).string();
      if (backend.empty()) backend = c->backend_dir;
      Diagnostic d = file_finding(
          RuleId::catalog_location_matches_nothing, l->file, l->pos,
          fmt::format("catalog.locations file target '{}' matches no file (Backstage resolves it "
                      "in the backend's directory '{}')",
                      l->target, backend),
          "fix the target (relative to the backend's working directory), or remove the "
          "location: Backstage reports \"file ... does not exist\" and ingests nothing from it");
      d.end = l->end;
      d.source_line = std::make_shared<const std::string>(l->line);
      out.push_back(std::move(d));
    }
}

/// One cause, one finding: a `yaml-1-1-habit` note on a value that an `invalid-field-type` finding
/// (still on after stamping) already reports at the same place. The type error's help says how
/// YAML 1.2 reads the value and how to quote it; the note would say it again.
void drop_restated_habits(std::vector<Diagnostic>& diagnostics) {
  const std::string_view type = rule_name(RuleId::invalid_field_type);
  const std::string_view habit = rule_name(RuleId::yaml_1_1_habit);
  // (Owned strings: erase_if moves the diagnostics while the set is read.)
  std::set<std::tuple<std::string, int, int>> typed;
  for (const Diagnostic& d : diagnostics)
    if (d.rule == type) typed.emplace(d.file, d.start.line, d.start.column);
  if (typed.empty()) return;
  std::erase_if(diagnostics, [&](const Diagnostic& d) {
    return d.rule == habit && typed.count(std::make_tuple(d.file, d.start.line, d.start.column));
  });
}

/// finish(), with the base entities of a --changed-since run.
LintResult finish_run(std::vector<FileResult> results, const LintOptions& options,
                      const std::vector<BaseEntity>& at_base);

}  // namespace

LintResult finish(std::vector<FileResult> results, const LintOptions& options) {
  return finish_run(std::move(results), options, {});
}

namespace {

LintResult finish_run(std::vector<FileResult> results, const LintOptions& options,
                      const std::vector<BaseEntity>& at_base) {
  LintResult out;
  for (const FileResult& r : results)
    if (r.skipped_skeleton)
      out.skipped_skeletons.push_back(r.file);
    else if (r.skipped_not_entity)
      out.skipped_not_entities.push_back(r.file);
    else if (!r.file.empty())
      out.linted.push_back(r.file);
  for (const FileResult& r : results)
    out.placeholder_targets.insert(out.placeholder_targets.end(), r.placeholder_targets.begin(),
                                   r.placeholder_targets.end());
  std::sort(out.placeholder_targets.begin(), out.placeholder_targets.end());
  out.placeholder_targets.erase(
      std::unique(out.placeholder_targets.begin(), out.placeholder_targets.end()),
      out.placeholder_targets.end());
  out.files = out.linted.size();
  auto kept = std::make_shared<CatalogIndex>();  // not movable (once_flag): shared
  CatalogIndex* at = kept.get();
  CatalogIndex& index = *kept;
  index.today = options.today.empty() ? current_date() : options.today;
  const std::vector<std::string> sources = catalog_sources(options);
  std::vector<Diagnostic> catalog_errors;
  // Version-2 snapshots are read on demand, unless something reads the whole org: the removed
  // entities of --changed-since, the team report (keep_index), the Location chains of
  // catalog.rules (app-config files).
  const bool eager = options.change || options.keep_index ||
                     (options.resolver && !options.resolver->app_configs().empty());
  std::vector<Diagnostic> gaps;
  index.org = load_org(sources, options, catalog_errors, results, eager, index.lazy_org, gaps);
  if (!catalog_errors.empty()) out.io_error = index.catalog_failed = true;
  for (Diagnostic& d : catalog_errors) out.diagnostics.push_back(std::move(d));
  index.org_declared = !sources.empty() || options.catalog_complete || !options.resolver;
  std::size_t diagnostics = 0;
  for (const FileResult& r : results) diagnostics += r.diagnostics.size();
  out.diagnostics.reserve(diagnostics);
  for (FileResult& r : results) {
    out.io_error = out.io_error || r.unreadable;
    for (Diagnostic& d : r.diagnostics) out.diagnostics.push_back(std::move(d));
    for (EntitySummary& e : r.entities) index.entities.push_back(std::move(e));
    // Moved-from elements still hold their arrays: free them now, not at the end of the run.
    std::vector<Diagnostic>().swap(r.diagnostics);
    std::vector<EntitySummary>().swap(r.entities);
  }
  // An empty source explains a missing platform team already: one cause, one finding.
  if (!sources.empty() && !index.catalog_failed && gaps.empty())
    missing_designated_groups(index, sources.front(), gaps);
  for (Diagnostic& d : gaps) out.diagnostics.push_back(std::move(d));
  // The catalog phase runs its rules on --jobs threads: each reads the index (never writes it)
  // and reports into its own list, appended in registry order, so the result does not depend on
  // the threads. Each call is guarded: an exception becomes an internal-error finding at the
  // entity, and the rule goes on with the next one.
  std::vector<const Rule*> catalog_rules;
  for (const Rule& r : options.registry->rules())
    if (r.kind == RuleKind::catalog && r.catalog) catalog_rules.push_back(&r);
  std::vector<std::vector<Diagnostic>> found;
  auto run_catalog_rules = [&](const CatalogIndex& on) {
    found.assign(catalog_rules.size(), {});
    parallel_for(catalog_rules.size(), options.jobs, [&](std::size_t i) {
      const Rule& rule = *catalog_rules[i];
      CatalogContext ctx(rule.info.id, found[i], &options.config);
      const RuleConfig* last = nullptr;  // entities of one file share a configuration
      bool enabled = false;
      for (const EntitySummary& e : on.entities) {
        const RuleConfig* rules = e.rules ? e.rules : &options.config;
        if (rules != last) last = rules, enabled = rules->enabled(rule.id);
        if (!enabled) continue;
        const std::size_t before = found[i].size();
        std::string what;
        try {
          rule.catalog->check(e, on, ctx);
          continue;
        } catch (const std::exception& ex) {
          what = ex.what();
        } catch (...) {
          what = "an unknown exception";
        }
        found[i].resize(before);
        found[i].push_back(
            internal_error(rule.info.id, e.file, e.ref, e.document, e.name_pos, what));
      }
    });
  };
  run_catalog_rules(index);
  // A snapshot read on demand whose entity turned out unreadable: the same as a catalog source
  // that cannot be read (unreadable-file, nothing judged against the catalog). The phase runs
  // again on an index without those sources, so no finding rests on a partial org.
  std::vector<Diagnostic> lazy_errors;
  for (const CatalogIndex::LazySource& l : index.lazy_org)
    if (std::string error = l.catalog->error(); !error.empty())
      lazy_errors.push_back(catalog_unreadable(l.path, error));
  if (!lazy_errors.empty()) {
    auto again = std::make_shared<CatalogIndex>();
    again->entities = std::move(index.entities);
    again->org = std::move(index.org);
    for (CatalogIndex::LazySource& l : index.lazy_org)
      if (l.catalog->error().empty()) again->lazy_org.push_back(std::move(l));
    again->org_declared = index.org_declared;
    again->catalog_failed = true;
    again->today = index.today;
    kept = again;
    at = kept.get();
    out.io_error = true;
    for (Diagnostic& d : lazy_errors) out.diagnostics.push_back(std::move(d));
    run_catalog_rules(*at);
  }
  // Skeleton mode for the catalog phase's findings: those from expressions go, the others quote
  // the original text (skeleton.h).
  std::unordered_map<std::string_view, const SkeletonFile*> skeletons;
  for (const FileResult& r : results)
    if (r.skeleton) skeletons.emplace(r.file, r.skeleton.get());
  for (std::vector<Diagnostic>& list : found)
    for (Diagnostic& d : list) {
      if (!skeletons.empty())
        if (const auto it = skeletons.find(d.file); it != skeletons.end() && !it->second->adjust(d))
          continue;
      out.diagnostics.push_back(std::move(d));
    }
  if (options.resolver) unmatched_locations(options.resolver->app_configs(), out.diagnostics);
  if (options.change && !at_base.empty())
    removed_entities(at_base, *at, *options.change, results, out.diagnostics);
  for (const EntitySummary& e : at->entities)
    if (!e.ref.empty()) {
      const auto it = e.skeleton ? skeletons.find(e.file) : skeletons.end();
      out.entities.emplace_back(e.file,
                                it != skeletons.end() ? it->second->neutral.restore(e.ref) : e.ref);
    }
  // One stamping step for every finding: the configuration of its file.
  std::unordered_map<std::string_view, const RuleConfig*> configs;
  for (const FileResult& r : results)
    if (r.rules) configs.emplace(r.file, r.rules);
  auto rules_of = [&](const std::string& file) -> const RuleConfig& {
    const auto it = configs.find(file);
    if (it != configs.end()) return *it->second;
    return rules_for(file, options);
  };
  stamp_all(out.diagnostics, rules_of);
  drop_restated_habits(out.diagnostics);
  // Suppressions judge the stamped findings (a suppression of a rule that is off matches
  // nothing); the findings they add are stamped the same way.
  const std::size_t before_suppressions = out.diagnostics.size();
  // All files in one pass over the findings.
  std::vector<FileSuppressions> suppressions;
  for (FileResult& r : results)
    if (!r.suppressions.empty()) suppressions.push_back(FileSuppressions{r.file, &r.suppressions});
  apply_suppressions(suppressions, out.diagnostics);
  stamp_all(out.diagnostics, rules_of, before_suppressions);
  for (const Diagnostic& d : out.diagnostics)
    out.internal_error = out.internal_error || d.rule == rule_name(RuleId::internal_error);
  std::stable_sort(out.diagnostics.begin(), out.diagnostics.end(), diagnostic_less);
  if (options.keep_index) out.index = kept;
  return out;
}

}  // namespace

std::vector<FileResult> lint_parallel(const std::vector<std::string>& files,
                                      const LintOptions& options) {
  std::vector<FileResult> results(files.size());
  // Configs are found (and invalid ones recorded) before the parallel phase.
  if (options.resolver)
    for (const std::string& f : files) options.resolver->for_file(f);
  parallel_for(files.size(), options.jobs,
               [&](std::size_t i) { results[i] = lint_file(files[i], options); });
  return results;
}

LintResult lint_files(const std::vector<std::string>& files, const LintOptions& options,
                      const std::string& repo_root) {
  std::vector<FileResult> results = lint_parallel(files, options);
  std::vector<BaseEntity> at_base;
  if (options.change) {
    // --changed-since: what the changed files defined at the base, and the files the change
    // affects (linted too, and reported on like the changed ones).
    for (const std::string& f : options.change->changed)
      for (BaseEntity& b : base_entities(*options.change, f, options.limits))
        at_base.push_back(std::move(b));
    for (FileResult& r :
         lint_parallel(affected_files(*options.change, results, at_base, options), options))
      results.push_back(std::move(r));
  }
  if (options.follow_locations) {
    // A Location's targets are entity files to Backstage, whatever they hold.
    std::optional<LintOptions> all_files;
    if (options.skip_non_entities) all_files.emplace(options).skip_non_entities = false;
    const LintOptions& targets_options = all_files ? *all_files : options;
    std::vector<std::string> known = files;
    std::size_t from = 0;
    std::string root = repo_root;
    while (true) {
      std::vector<LocationTarget> targets;
      for (std::size_t i = from; i < results.size(); ++i)
        for (LocationTarget& t : results[i].locations) targets.push_back(std::move(t));
      if (targets.empty()) break;
      std::vector<std::string> more;
      FileResult notes;
      resolve_location_targets(targets, root, known, more, notes.diagnostics);
      from = results.size();
      if (!notes.diagnostics.empty()) results.push_back(std::move(notes)), ++from;
      if (more.empty()) break;
      for (FileResult& r : lint_parallel(more, targets_options)) results.push_back(std::move(r));
    }
  }
  return finish_run(std::move(results), options, at_base);
}

}  // namespace catalog_lint
