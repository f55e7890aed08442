#include "core/config.h"

#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "core/app_config.h"
#include "core/config_schema.h"
#include "core/embedded_presets.h"
#include "core/entity_ref.h"
#include "core/file_io.h"
#include "core/glob.h"
#include "core/loader.h"
#include "core/process.h"
#include "core/registry.h"
#include "core/repo.h"
#include "core/report_levels.h"
#include "core/source.h"
#include "core/suggest.h"
#include "core/validators.h"

namespace fs = std::filesystem;

namespace catalog_lint {

namespace {

constexpr std::string_view kPresetPrefix = "preset:";

// The keys the loader accepts, per mapping: the schema's (schemas/catalog-lint.schema.json).
const std::vector<std::string_view>& top_keys() {
  return config_schema_keys("");
}
const std::vector<std::string_view>& report_keys() {
  return config_schema_keys("/properties/report");
}
const std::vector<std::string_view>& level_keys() {
  return config_schema_keys("/properties/report/properties/levels/items");
}
/// Levels of `report: levels:` at most.
constexpr std::size_t kMaxReportLevels = 16;
const std::vector<std::string_view>& override_keys() {
  return config_schema_keys("/properties/overrides/items");
}
/// The keys of a rule's mapping form in `rules:` (`{severity, options}`).
const std::vector<std::string_view>& rule_setting_keys() {
  return config_schema_keys("/$defs/rule_setting/oneOf/1");
}
const std::vector<std::string_view>& policy_keys() {
  return config_schema_keys("/properties/policy");
}
const std::vector<std::string_view>& rule_keys() {
  return config_schema_keys("/properties/declarative_rules/items");
}
const std::vector<std::string_view>& select_keys() {
  return config_schema_keys("/properties/declarative_rules/items/properties/select");
}
const std::vector<std::string_view>& require_keys() {
  return config_schema_keys("/properties/declarative_rules/items/properties/require");
}

std::string join(const std::vector<std::string_view>& v) {
  std::string out;
  for (auto s : v) out += (out.empty() ? "" : ", ") + std::string(s);
  return out;
}

/// Reads one config file's node tree, reporting every problem with its position.
class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const Node* at, std::string message) const {
    throw ConfigError(file_, at ? at->pos : SourcePos{}, std::move(message));
  }

  /// Checks that `map` is a mapping whose keys are all in `keys`.
  void check_map(const Node* map, const std::vector<std::string_view>& keys,
                 std::string_view where) const {
    if (!map->is_map())
      fail(map, fmt::format("{} must be a mapping, found {}", where, found_value(*map)));
    for (const auto& [k, v] : map->entries) {
      if (!k->is_string()) fail(k, fmt::format("{}: keys must be strings", where));
      if (std::find(keys.begin(), keys.end(), k->text) == keys.end())
        fail(k,
             fmt::format("unknown key '{}' in {}; {}expected one of: {}", excerpt(k->text), where,
                         did_you_mean(k->text, std::vector<std::string>(keys.begin(), keys.end())),
                         join(keys)));
    }
  }

  std::string string(const Node* n, std::string_view what) const {
    if (!n->is_string())
      fail(n, fmt::format("{} must be a string, found {}", what, found_value(*n)));
    return n->text;
  }

  /// A string or a list of strings.
  std::vector<std::string> strings(const Node* n, std::string_view what) const {
    if (n->is_string()) return {n->text};
    if (n->type == NodeType::null) return {};
    if (!n->is_seq())
      fail(n, fmt::format("{} must be a list of strings, found {}", what, found_value(*n)));
    if (n->items.size() > ConfigLimits::kMaxPolicyListItems)
      fail(n, fmt::format("{} has {} items, over the limit of {}", what, n->items.size(),
                          ConfigLimits::kMaxPolicyListItems));
    std::vector<std::string> out;
    for (const Node* item : n->items) out.push_back(string(item, fmt::format("{} item", what)));
    return out;
  }

  /// An entity ref, returned as its lower-cased key.
  std::string ref(const Node* n, std::string_view what) const {
    const std::string text = string(n, what);
    const EntityRefParse p = parse_entity_ref(text, "group", "default");
    if (!p.ref) fail(n, fmt::format("{} '{}' is not an entity ref: {}", what, text, p.error));
    // Backstage's rules for the parts (catalog-model KubernetesValidatorFunctions): an entity
    // with another ref cannot exist, so the policy would name nobody.
    std::string why;
    if (!validators::kind(p.ref->kind))
      why = fmt::format(
          "the kind '{}' is not a valid kind (1-63 letters and digits, starting with a letter)",
          p.ref->kind);
    else if (!validators::dns_label(to_lower(p.ref->ns)))  // refs compare case-insensitively
      why = fmt::format(
          "the namespace '{}' is not a valid namespace (1-63 letters, digits and '-')", p.ref->ns);
    else if (!validators::object_name(p.ref->name))
      why = fmt::format(
          "the name '{}' is not a valid entity name (1-63 letters, digits, '-', '_' and '.', "
          "starting and ending with a letter or digit)",
          p.ref->name);
    if (!why.empty()) fail(n, fmt::format("{} '{}' is not an entity ref: {}", what, text, why));
    return p.ref->key();
  }

  std::shared_ptr<const re2::RE2> regex(const Node* n, std::string_view what) const {
    const std::string text = string(n, what);
    if (text.size() > ConfigLimits::kMaxPatternBytes)
      fail(n, fmt::format("{} is {} bytes, over the limit of {} bytes", what, text.size(),
                          ConfigLimits::kMaxPatternBytes));
    re2::RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_max_mem(ConfigLimits::kMaxPatternMemory);
    auto re = std::make_shared<re2::RE2>(text, opts);
    if (re->error_code() == re2::RE2::ErrorPatternTooLarge)
      fail(n, fmt::format("{} needs more than the limit of {} bytes of memory to compile; "
                          "simplify it (fewer repetitions such as {{1000}})",
                          what, ConfigLimits::kMaxPatternMemory));
    if (!re->ok())
      fail(n, fmt::format("{} '{}' is not a valid RE2 pattern: {}", what, text, re->error()));
    return re;
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

bool is_kebab(std::string_view s) {
  static const re2::RE2 re("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  return re2::RE2::FullMatch(s, re);
}

// "'a'", "'a' or 'b'", "'a', 'b' or 'c'".
std::string quoted_alternatives(const std::vector<std::string>& keys) {
  std::string out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += i + 1 == keys.size() ? " or " : ", ";
    out += "'" + keys[i] + "'";
  }
  return out;
}

DeclarativeRule parse_rule(const Parser& p, const Node* n) {
  p.check_map(n, rule_keys(), "a declarative rule");
  DeclarativeRule r;
  r.info.category = "policy";
  r.info.default_severity = Severity::warning;
  r.info.recommended = true;
  const Node* id = n->get("id");
  if (!id) p.fail(n, "a declarative rule needs an id");
  r.info.id = p.string(id, "id");
  if (!is_kebab(r.info.id))
    p.fail(id,
           fmt::format("rule id '{}' is not kebab-case ([a-z][a-z0-9]*(-[a-z0-9]+)*)", r.info.id));
  // A rule documented in rules/<id>.md (the presets' rules) takes its metadata from there; a
  // repository's own rule must say at least its summary.
  const RuleInfo* documented = Registry::instance().find(r.info.id);
  if (documented != nullptr && n->get("summary") == nullptr) {
    r.info = *documented;
  } else if (const Node* s = n->get("summary")) {
    r.info.summary = p.string(s, "summary");
  } else {
    p.fail(n, fmt::format("declarative rule '{}' needs a summary", r.info.id));
  }
  if (const Node* s = n->get("severity")) {
    const auto sev = parse_severity(p.string(s, "severity"));
    if (!sev || *sev == Severity::off)
      p.fail(s, fmt::format("severity '{}' is not one of: error, warning, note", s->text));
    r.info.default_severity = *sev;
  }
  if (const Node* s = n->get("category")) r.info.category = p.string(s, "category");
  if (const Node* s = n->get("source"))
    r.info.source = p.string(s, "source");
  else if (r.info.source.empty())
    r.info.source = p.file();
  if (const Node* s = n->get("doc")) r.info.doc = p.string(s, "doc");
  if (const Node* s = n->get("message")) r.message = p.string(s, "message");
  if (const Node* s = n->get("help")) r.help = p.string(s, "help");
  if (const Node* sel = n->get("select")) {
    p.check_map(sel, select_keys(), "select");
    if (const Node* s = sel->get("kind")) r.kinds = p.strings(s, "select.kind");
    for (auto& k : r.kinds) k = to_lower(k);
    if (const Node* s = sel->get("type")) r.types = p.strings(s, "select.type");
    if (const Node* s = sel->get("lifecycle")) r.lifecycles = p.strings(s, "select.lifecycle");
    if (const Node* s = sel->get("namespace")) r.namespaces = p.strings(s, "select.namespace");
    if (const Node* s = sel->get("has_tag")) r.has_tags = p.strings(s, "select.has_tag");
  }
  const Node* req = n->get("require");
  if (!req) p.fail(n, fmt::format("declarative rule '{}' needs a require mapping", r.info.id));
  p.check_map(req, require_keys(), "require");
  int targets = 0;
  for (auto [name, target] : {std::pair{"annotation", DeclarativeRule::Target::annotation},
                              std::pair{"label", DeclarativeRule::Target::label},
                              std::pair{"tag", DeclarativeRule::Target::tag},
                              std::pair{"field", DeclarativeRule::Target::field}}) {
    if (const Node* s = req->get(name)) {
      ++targets;
      r.target = target;
      // One key, or a list: the requirement holds when any of them is present.
      r.keys = p.strings(s, fmt::format("require.{}", name));
      if (r.keys.empty()) p.fail(s, fmt::format("require.{} must not be empty", name));
      for (const std::string& k : r.keys)
        if (k.empty()) p.fail(s, fmt::format("require.{} must not be empty", name));
      r.key = r.keys.front();
    }
  }
  if (targets != 1) p.fail(req, "require needs exactly one of: annotation, label, tag, field");
  if (const Node* s = req->get("pattern")) {
    r.pattern = p.regex(s, "require.pattern");
    r.pattern_text = s->text;
  }
  if (const Node* s = req->get("enum")) {
    r.one_of = p.strings(s, "require.enum");
    if (r.one_of.empty()) p.fail(s, "require.enum must not be empty");
  }
  if (r.message.empty())
    r.message = fmt::format("required {} {} is missing",
                            r.target == DeclarativeRule::Target::annotation ? "annotation"
                            : r.target == DeclarativeRule::Target::label    ? "label"
                            : r.target == DeclarativeRule::Target::tag      ? "tag"
                                                                            : "field",
                            quoted_alternatives(r.keys));
  return r;
}

const EmbeddedPreset* find_preset(std::string_view name) {
  for (const auto& p : embedded_presets())
    if (p.name == name) return &p;
  return nullptr;
}

/// A parsed config file with what the limits need: the files it reads (canonical paths, itself
/// included; empty for presets) and the length of its longest extends chain (0 for presets).
struct ParsedConfig {
  std::shared_ptr<const Config> config;
  std::set<std::string> closure;
  std::size_t height = 0;
};

/// The files of the extends chain being parsed, outermost first: canonical paths, or
/// `preset:NAME`.
using ExtendsStack = std::vector<std::string>;

std::size_t file_depth(const ExtendsStack& stack) {
  return static_cast<std::size_t>(
      std::count_if(stack.begin(), stack.end(),
                    [](const std::string& s) { return !s.starts_with(kPresetPrefix); }));
}

bool inside(const fs::path& path, const fs::path& dir) {
  const fs::path rel = path.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != ".." && rel != ".";
}

}  // namespace

struct ConfigLoader::Impl {
  ConfigLoadOptions options;
  fs::path start_dir;                                   ///< canonical
  std::vector<fs::path> extra_roots;                    ///< canonical
  std::unordered_map<std::string, ParsedConfig> files;  ///< canonical path → parsed file
  /// Directory → (canonical root, whether it is a repository).
  std::unordered_map<std::string, std::pair<std::string, bool>> roots;

  const std::pair<std::string, bool>& root_of(const std::string& dir);
  /// Why `canonical` (reached as `name` from a config in `dir`) may not be read, or "".
  /// `what` says what the config does with it ("extend", "name as a catalog source");
  /// `root_too`: the root itself may be named (a catalog source may be the whole repository).
  std::string refusal(const std::string& name, const fs::path& canonical, const std::string& dir,
                      std::string_view what = "extend", bool root_too = false);
  ParsedConfig parse(const std::string& file, const std::string& key, const std::string& text,
                     bool is_preset, ExtendsStack& stack);
  const ParsedConfig& load_extends(const Parser& p, const Node* at, const std::string& name,
                                   ExtendsStack& stack);
};

namespace {

// The parsed node tree of a built-in preset: parsed once per process (yaml-cpp costs ~1 ms for a
// preset with its rule docs, and every config extends one).
const LoadedFile& preset_tree(const EmbeddedPreset& preset) {
  static std::mutex mutex;
  static std::map<const EmbeddedPreset*, LoadedFile> trees;
  std::lock_guard lock(mutex);
  auto it = trees.find(&preset);
  if (it == trees.end())
    it = trees.emplace(&preset, load_yaml(std::string(preset.text), Limits{})).first;
  return it->second;
}

// A built-in preset as a Config, built once per process (after the registry exists).
const ParsedConfig& preset_config(const EmbeddedPreset& preset, ConfigLoader::Impl& loader,
                                  ExtendsStack& stack) {
  static std::mutex mutex;
  static std::map<const EmbeddedPreset*, ParsedConfig> configs;
  {
    std::lock_guard lock(mutex);
    if (auto it = configs.find(&preset); it != configs.end()) return it->second;
  }
  const std::string id = std::string(kPresetPrefix) + std::string(preset.name);
  ParsedConfig c = loader.parse(id, id, std::string(preset.text), true, stack);
  std::lock_guard lock(mutex);
  return configs.emplace(&preset, std::move(c)).first->second;
}

}  // namespace

const std::pair<std::string, bool>& ConfigLoader::Impl::root_of(const std::string& dir) {
  auto it = roots.find(dir);
  if (it != roots.end()) return it->second;
  std::error_code ec;
  std::pair<std::string, bool> root{start_dir.string(), false};
  if (!options.root.empty()) {
    root = {fs::weakly_canonical(options.root, ec).string(), true};
  } else {
    // git_toplevel says on stderr (once) when git did not answer and the fallback applies.
    const std::string top = git_toplevel(
        dir, "config files may extend and name catalog sources only inside the start directory");
    if (!top.empty()) root = {fs::weakly_canonical(top, ec).string(), true};
  }
  return roots.emplace(dir, std::move(root)).first->second;
}

std::string ConfigLoader::Impl::refusal(const std::string& name, const fs::path& canonical,
                                        const std::string& dir, std::string_view what,
                                        bool root_too) {
  const auto& [root, repository] = root_of(dir);
  if (inside(canonical, root) || (root_too && canonical == fs::path(root))) return "";
  for (const fs::path& r : extra_roots)
    if (inside(canonical, r) || (root_too && canonical == r)) return "";
  return fmt::format(
      "'{}' resolves to '{}', outside {} '{}'; a config may {} only files inside {}, or "
      "under a directory given with --allow-extends-from",
      name, canonical.string(), repository ? "the repository" : "the start directory", root, what,
      repository ? "its own repository" : "the directory the run started in");
}

namespace {

/// Sets `from`'s option values in `into`, option by option (`from` wins).
void merge_options(RuleOptionValues& into, const RuleOptionValues& from) {
  for (const auto& [id, values] : from)
    for (const auto& [name, value] : values) into[id][name] = value;
}

/// Applies `base` under `into` (into's values were not set yet): used for extends, in order.
void merge_base(Config& into, const Config& base) {
  into.policy = base.policy;
  for (const auto& [id, sev] : base.severities) into.severities[id] = sev;
  merge_options(into.options, base.options);
  into.overrides.insert(into.overrides.end(), base.overrides.begin(), base.overrides.end());
  into.include.insert(into.include.end(), base.include.begin(), base.include.end());
  into.exclude.insert(into.exclude.end(), base.exclude.begin(), base.exclude.end());
}

/// Fails at `at` when `config` (extends applied so far) is over a ConfigLimits count.
void check_totals(const Parser& p, const Node* at, const Config& config) {
  std::size_t globs = config.include.size() + config.exclude.size();
  for (const Override& o : config.overrides) globs += o.files.size();
  auto over = [&](std::size_t n, std::size_t limit, std::string_view what) {
    if (n > limit)
      p.fail(at, fmt::format("the configuration has {} {}, over the limit of {}", n, what, limit));
  };
  over(config.overrides.size(), ConfigLimits::kMaxOverrides, "overrides entries");
  over(globs, ConfigLimits::kMaxGlobs, "globs (include, exclude and overrides files)");
  over(config.policy.declarative_rules.size(), ConfigLimits::kMaxDeclarativeRules,
       "declarative rules");
}

}  // namespace

const ParsedConfig& ConfigLoader::Impl::load_extends(const Parser& p, const Node* at,
                                                     const std::string& name, ExtendsStack& stack) {
  const bool path =
      name.find('/') != std::string::npos || name.ends_with(".yaml") || name.ends_with(".yml");
  if (!path) {
    const EmbeddedPreset* preset = find_preset(name);
    if (preset == nullptr) {
      std::string names;
      for (const auto& n : preset_names()) names += (names.empty() ? "" : ", ") + n;
      p.fail(at, fmt::format("unknown preset '{}'; presets are: {} (or give a path to a file)",
                             name, names));
    }
    const std::string id = std::string(kPresetPrefix) + name;
    if (std::find(stack.begin(), stack.end(), id) != stack.end())
      p.fail(at, fmt::format("extends cycle through preset '{}'", name));
    return preset_config(*preset, *this, stack);
  }
  // Where the file is, before anything of it is read: inside the extending file's repository.
  std::error_code ec;
  fs::path target(name);
  if (target.is_relative()) target = fs::path(p.file()).parent_path() / target;
  const std::string shown = target.lexically_normal().string();
  const fs::path canonical = fs::weakly_canonical(fs::absolute(target, ec), ec);
  if (ec == std::errc::too_many_symbolic_link_levels)
    p.fail(at, fmt::format("cannot read extended config '{}': it is a symbolic-link loop (a link "
                           "that leads back to itself)",
                           shown));
  const fs::path from = fs::weakly_canonical(fs::absolute(fs::path(p.file()), ec), ec);
  if (const std::string why = refusal(name, canonical, from.parent_path().string()); !why.empty())
    p.fail(at, "extends " + why);
  const std::string key = canonical.string();
  if (std::find(stack.begin(), stack.end(), key) != stack.end())
    p.fail(at, fmt::format("extends cycle through '{}'", name));
  const std::size_t depth = file_depth(stack);
  auto too_deep = [&] {
    p.fail(at, fmt::format("extends '{}' makes a chain of more than {} config files, the limit",
                           name, ConfigLimits::kMaxExtendsDepth));
  };
  if (auto it = files.find(key); it != files.end()) {
    if (depth + it->second.height > ConfigLimits::kMaxExtendsDepth) too_deep();
    return it->second;
  }
  if (depth + 1 > ConfigLimits::kMaxExtendsDepth) too_deep();
  FileBytes in = read_regular_file(key, ConfigLimits::kMaxFileBytes);
  if (!in.error.empty())
    p.fail(at, fmt::format("cannot read extended config '{}': {}", shown, in.error));
  if (in.too_big)
    p.fail(at, fmt::format("extended config '{}' is {} bytes, over the limit of {} bytes", shown,
                           in.size, ConfigLimits::kMaxFileBytes));
  ParsedConfig parsed = parse(shown, key, in.bytes, false, stack);
  return files.emplace(key, std::move(parsed)).first->second;
}

ParsedConfig ConfigLoader::Impl::parse(const std::string& file, const std::string& key,
                                       const std::string& text, bool is_preset,
                                       ExtendsStack& stack) {
  stack.push_back(key);
  Parser p(file);
  const EmbeddedPreset* preset =
      is_preset ? find_preset(std::string_view(file).substr(kPresetPrefix.size())) : nullptr;
  LoadedFile own;
  if (preset == nullptr) own = load_yaml(text, Limits{});
  const LoadedFile& loaded = preset ? preset_tree(*preset) : own;
  for (const Diagnostic& d : loaded.diagnostics) {
    // The loader speaks of catalog files and Backstage; of a config, only its encoding counts.
    if (d.rule == rule_name(RuleId::unsupported_encoding) ||
        d.rule == rule_name(RuleId::invalid_utf8))
      throw ConfigError(file, d.start,
                        fmt::format("{}; a config must be UTF-8 text",
                                    std::string_view(d.message).substr(0, d.message.find(';'))));
    throw ConfigError(file, d.start, fmt::format("{} ({})", d.message, d.rule));
  }
  const Node* root = nullptr;
  int docs = 0;
  for (const LoadedDocument& doc : loaded.documents) {
    if (doc.root) {
      ++docs;
      if (!root) root = doc.root;
    }
  }
  if (docs > 1) p.fail(nullptr, "a config file holds one YAML document");
  static const Node kEmpty{.type = NodeType::mapping};
  if (root == nullptr) root = &kEmpty;
  p.check_map(root, top_keys(), "the config file");

  ParsedConfig out;
  if (!is_preset) out.closure.insert(key);
  Config config;
  config.file = file;
  // extends: presets/paths, applied in order; none given = the default preset.
  std::vector<std::pair<const Node*, std::string>> bases;
  if (const Node* ext = root->get("extends")) {
    if (ext->is_string()) {
      bases.emplace_back(ext, ext->text);
    } else if (ext->is_seq()) {
      if (ext->items.size() > ConfigLimits::kMaxExtendsItems)
        p.fail(ext, fmt::format("extends has {} items, over the limit of {}", ext->items.size(),
                                ConfigLimits::kMaxExtendsItems));
      for (const Node* item : ext->items) bases.emplace_back(item, p.string(item, "extends item"));
    } else if (ext->type != NodeType::null) {
      p.fail(ext, fmt::format("extends must be a preset name, a path or a list of them, found {}",
                              found_value(*ext)));
    }
  } else if (!is_preset) {
    bases.emplace_back(root, "default");
  }
  bool first = true;
  for (const auto& [at, name] : bases) {
    const ParsedConfig& parsed = load_extends(p, at, name, stack);
    out.closure.insert(parsed.closure.begin(), parsed.closure.end());
    if (out.closure.size() > ConfigLimits::kMaxFiles)
      p.fail(at, fmt::format("extends '{}' brings the configuration to more than {} config "
                             "files, the limit",
                             name, ConfigLimits::kMaxFiles));
    out.height = std::max(out.height, parsed.height);
    const Config& base = *parsed.config;
    if (first) {
      merge_base(config, base);
      first = false;
    } else {
      // Later bases override earlier ones key by key: approximate with whole-policy replacement
      // plus declarative rules merged by id (earlier rules the base lacks go first).
      auto rules = config.policy.declarative_rules;
      config.policy = base.policy;
      auto& list = config.policy.declarative_rules;
      std::set<std::string> ids;
      for (const auto& x : list) ids.insert(x->info.id);
      std::vector<std::shared_ptr<const DeclarativeRule>> missing;
      for (const auto& r : rules)
        if (ids.insert(r->info.id).second) missing.push_back(r);
      list.insert(list.begin(), missing.rbegin(), missing.rend());
      for (const auto& [id, sev] : base.severities) config.severities[id] = sev;
      merge_options(config.options, base.options);
    }
    check_totals(p, at, config);
  }
  if (!is_preset) out.height += 1;
  config.file = file;

  Policy& pol = config.policy;
  // Rule options this file sets through a deprecated `policy:` alias: rule id → option → (node,
  // alias key).
  std::map<std::string, std::map<std::string, std::pair<const Node*, std::string>>> aliases;
  if (const Node* pn = root->get("policy")) {
    p.check_map(pn, policy_keys(), "policy");
    if (const Node* n = pn->get("annotation_prefix")) {
      pol.annotation_prefix = p.string(n, "policy.annotation_prefix");
      if (!pol.annotation_prefix.ends_with("/") ||
          !validators::dns_subdomain(
              std::string_view(pol.annotation_prefix).substr(0, pol.annotation_prefix.size() - 1)))
        p.fail(n, fmt::format("policy.annotation_prefix '{}' must be a DNS subdomain followed by "
                              "'/', like 'platform/' or 'example.com/'",
                              pol.annotation_prefix));
    }
    if (const Node* n = pn->get("platform_team")) {
      pol.platform_team = p.ref(n, "policy.platform_team");
      pol.platform_team_at = {file, n->pos};
    }
    if (const Node* n = pn->get("architecture_committee")) {
      pol.architecture_committee = p.ref(n, "policy.architecture_committee");
      pol.architecture_committee_at = {file, n->pos};
    }
    // Deprecated aliases of rule options (policy.deprecation_notice_days, …): each sets the
    // option whose front matter names it as its `policy_alias`.
    for (const Rule& rule : Registry::instance().rules())
      for (const OptionSpec& spec : rule.info.options) {
        if (spec.policy_alias.empty()) continue;
        const Node* n = pn->get(spec.policy_alias);
        if (n == nullptr) continue;
        auto value = check_option_value(spec, n, "policy." + spec.policy_alias,
                                        ConfigLimits::kMaxPolicyListItems);
        if (const auto* error = std::get_if<std::string>(&value)) p.fail(n, *error);
        aliases[rule.info.id][spec.name] = {n, spec.policy_alias};
        config.options[rule.info.id][spec.name] = std::get<OptionValue>(std::move(value));
      }
    if (const Node* n = pn->get("known_owners")) {
      pol.known_owners.clear();
      if (n->is_seq()) {
        for (const Node* item : n->items)
          pol.known_owners.push_back(p.ref(item, "policy.known_owners item"));
      } else if (n->type != NodeType::null) {
        p.fail(n, fmt::format("policy.known_owners must be a list of strings, found {}",
                              found_value(*n)));
      }
    }
    if (const Node* n = pn->get("golden_paths")) {
      pol.golden_paths = p.strings(n, "policy.golden_paths");
      for (auto& g : pol.golden_paths) g = to_lower(g);
    }
  }
  // report: levels: the team report's cumulative levels (docs/report.md); requirement names are
  // checked below, once the declarative rules are read.
  if (const Node* rn = root->get("report")) {
    p.check_map(rn, report_keys(), "report");
    if (const Node* ln = rn->get("levels")) {
      if (!ln->is_seq() || ln->items.empty() || ln->items.size() > kMaxReportLevels)
        p.fail(ln, fmt::format("report.levels must be a list of 1 to {} levels", kMaxReportLevels));
      pol.report_levels.clear();
      for (const Node* item : ln->items) {
        p.check_map(item, level_keys(), "report.levels item");
        const Node* name = item->get("name");
        const Node* req = item->get("require");
        if (name == nullptr || req == nullptr)
          p.fail(item, "report.levels item needs `name` and `require`");
        ReportLevel level{p.string(name, "report.levels name"),
                          p.strings(req, "report.levels require")};
        if (level.name.empty()) p.fail(name, "report.levels name is empty");
        for (const ReportLevel& l : pol.report_levels)
          if (l.name == level.name)
            p.fail(name, fmt::format("report.levels name '{}' is given twice", level.name));
        pol.report_levels.push_back(std::move(level));
      }
    }
  }
  // catalog: the org catalog sources, relative to this file and inside its repository (like
  // extends); catalog_complete: the repository is the whole org (its directory is the catalog).
  // Inherited through extends. app_config: Backstage's app-config files, found the same way (one
  // code path, `paths`).
  auto paths = [&](const Node* n, std::string_view key, std::size_t limit, std::string_view items,
                   std::string_view kinds, std::string_view what) {
    std::vector<std::tuple<const Node*, std::string, fs::path>> out;  // node, name, canonical
    std::vector<std::pair<const Node*, std::string>> names;
    if (n->is_string()) {
      names.emplace_back(n, n->text);
    } else if (n->is_seq()) {
      if (n->items.size() > limit)
        p.fail(n, fmt::format("{} has {} {}, over the limit of {}", key, n->items.size(), items,
                              limit));
      for (const Node* item : n->items)
        names.emplace_back(item, p.string(item, fmt::format("{} item", key)));
    } else if (n->type != NodeType::null) {
      p.fail(n, fmt::format("{} must be a path or a list of paths ({}), found {}", key, kinds,
                            found_value(*n)));
    }
    for (const auto& [at, name] : names) {
      if (name.empty()) p.fail(at, fmt::format("{} item is an empty path", key));
      std::error_code ec;
      fs::path target(name);
      if (target.is_relative()) target = fs::path(file).parent_path() / target;
      const fs::path canonical = fs::weakly_canonical(fs::absolute(target, ec), ec);
      const fs::path from = fs::weakly_canonical(fs::absolute(fs::path(file), ec), ec);
      if (const std::string why =
              refusal(name, canonical, from.parent_path().string(), what, key == "catalog");
          !why.empty())
        p.fail(at, fmt::format("{} {}", key, why));
      if (!fs::exists(canonical, ec)) {
        // A near miss among the entries of the folder it would be in (`orgs` for `org`; the
        // first 1,000 entries are looked at).
        std::vector<std::string> siblings;
        const fs::path normal = target.lexically_normal();
        fs::directory_iterator it(normal.parent_path().empty() ? "." : normal.parent_path(), ec);
        for (int k = 0; !ec && it != fs::directory_iterator() && k < 1000; it.increment(ec), ++k)
          siblings.push_back(it->path().filename().string());
        std::sort(siblings.begin(), siblings.end());
        std::string hint;
        if (const auto near = nearest_name(normal.filename().string(), siblings)) {
          const fs::path written = fs::path(name).parent_path() / *near;
          hint = fmt::format("; did you mean '{}'?", written.generic_string());
        }
        p.fail(at, fmt::format("{} {} '{}' does not exist (looked for '{}'){}", key,
                               key == "catalog" ? "source" : "file", name, normal.string(), hint));
      }
      // A source that is neither a folder nor a regular file (a FIFO, a device) is refused
      // here, as --catalog refuses it, rather than read as a source with no entities.
      if (key == "catalog" && !fs::is_directory(canonical, ec) &&
          !fs::is_regular_file(canonical, ec))
        p.fail(at, fmt::format("catalog source '{}' is not a folder or a regular file (a FIFO, "
                               "socket or device)",
                               name));
      // One spelling per place: `org/` and `./org` are `org`.
      std::string shown = target.lexically_normal().string();
      while (shown.size() > 1 && shown.back() == '/') shown.pop_back();
      out.emplace_back(at, shown, canonical);
    }
    return out;
  };
  if (const Node* n = root->get("catalog")) {
    pol.catalog.clear();
    for (const auto& [at, shown, canonical] :
         paths(n, "catalog", ConfigLimits::kMaxCatalogSources, "sources",
               "folders or files of entity YAML, or snapshots", "name as catalog sources"))
      pol.catalog.push_back(shown);
  }
  if (const Node* n = root->get("app_config")) {
    pol.app_config.reset();
    std::vector<AppConfigSource> sources;
    for (const auto& [at, shown, canonical] :
         paths(n, "app_config", AppConfigLimits::kMaxFiles, "files", "Backstage app-config files",
               "name as app-config files")) {
      std::error_code ec;
      if (!fs::is_regular_file(canonical, ec))
        p.fail(at, fmt::format("app_config file '{}' is not a regular file", shown));
      sources.push_back(AppConfigSource{shown, canonical.string()});
    }
    std::error_code ec;
    const fs::path from = fs::weakly_canonical(fs::absolute(fs::path(file), ec), ec);
    if (!sources.empty())
      pol.app_config = load_app_config(sources, root_of(from.parent_path().string()).first);
  }
  if (const Node* n = root->get("catalog_complete")) {
    if (n->type != NodeType::boolean)
      p.fail(n, fmt::format("catalog_complete must be true or false, found {}", found_value(*n)));
    pol.catalog_complete = to_lower(n->text) == "true";
  }
  if (const Node* n = root->get("skeletons")) {  // scaffolder skeletons: docs/skeletons.md
    if (!n->is_string())
      p.fail(n, fmt::format("skeletons must be skip or lint, found {}", found_value(*n)));
    if (n->text != "skip" && n->text != "lint")
      p.fail(n, fmt::format("skeletons '{}' is not one of: skip, lint", n->text));
    pol.lint_skeletons = n->text == "lint";
  }
  if (const Node* dr = root->get("declarative_rules")) {
    if (dr->is_seq()) {
      std::set<std::string> seen;
      for (const Node* item : dr->items) {
        auto rule = std::make_shared<DeclarativeRule>(parse_rule(p, item));
        if (!seen.insert(rule->info.id).second)
          p.fail(item->get("id"),
                 fmt::format("declarative rule '{}' is defined twice", rule->info.id));
        const RuleInfo* builtin = Registry::instance().find(rule->info.id);
        auto& list = pol.declarative_rules;
        auto same = std::find_if(list.begin(), list.end(),
                                 [&](const auto& x) { return x->info.id == rule->info.id; });
        if (builtin != nullptr && same == list.end() && !is_preset) {
          const auto infos = builtin_declarative_rule_infos();
          if (std::none_of(infos.begin(), infos.end(),
                           [&](const RuleInfo& i) { return i.id == rule->info.id; }))
            p.fail(item->get("id"),
                   fmt::format("declarative rule id '{}' is already a built-in rule; choose "
                               "another id",
                               rule->info.id));
        }
        if (same != list.end())
          *same = std::move(rule);
        else
          list.push_back(std::move(rule));
      }
    } else if (dr->type != NodeType::null) {
      p.fail(dr, fmt::format("declarative_rules must be a list, found {}", found_value(*dr)));
    }
  }
  // report.levels requirements name an area or a rule (this file's declarative rules known now).
  if (const auto bad = check_level_requirements(root->get("report"), pol))
    p.fail(bad->at, bad->message);
  // `options:` of rule `id` in a `rules:` mapping: each name declared by the rule's front
  // matter, each value of its type and within its bounds.
  auto rule_options = [&](const Node* on, const std::string& id, const std::string& where,
                          RuleOptionValues& into) {
    if (on->type == NodeType::null) return;
    if (!on->is_map())
      p.fail(on, fmt::format("{} must be a mapping of option name to value, found {}", where,
                             found_value(*on)));
    const RuleInfo* info = Registry::instance().find(id);
    std::vector<std::string> names;
    if (info != nullptr)
      for (const OptionSpec& spec : info->options) names.push_back(spec.name);
    for (const auto& [k, v] : on->entries) {
      const std::string name = p.string(k, fmt::format("an option name in {}", where));
      const OptionSpec* spec = nullptr;
      if (info != nullptr)
        for (const OptionSpec& o : info->options)
          if (o.name == name) spec = &o;
      if (spec == nullptr) {
        if (names.empty())
          p.fail(k, fmt::format("unknown option '{}' in {}: rule '{}' has no options",
                                excerpt(name), where, id));
        std::string list;
        for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
        p.fail(k, fmt::format("unknown option '{}' in {}; {}expected one of: {}", excerpt(name),
                              where, did_you_mean(name, names), list));
      }
      auto value = check_option_value(*spec, v, fmt::format("{}.{}", where, name),
                                      ConfigLimits::kMaxPolicyListItems);
      if (const auto* error = std::get_if<std::string>(&value)) p.fail(v, *error);
      into[id][name] = std::get<OptionValue>(std::move(value));
    }
  };
  // A `rules:` mapping (top level or in an override): rule id → severity, or → {severity,
  // options}; ids known, options checked against the rule's front matter. `path` names the
  // mapping in option messages ("rules", "overrides[0].rules").
  auto severities = [&](const Node* rn, std::string_view where, const std::string& path,
                        std::map<std::string, Severity, std::less<>>& into,
                        RuleOptionValues& options) {
    if (rn == nullptr || rn->type == NodeType::null) return;
    if (!rn->is_map())
      p.fail(rn, fmt::format("{} must be a mapping of rule id to severity, found {}", where,
                             found_value(*rn)));
    for (const auto& [k, v] : rn->entries) {
      const std::string id = p.string(k, "a rule id");
      const bool declared = std::any_of(pol.declarative_rules.begin(), pol.declarative_rules.end(),
                                        [&](const auto& r) { return r->info.id == id; });
      if (!declared && Registry::instance().find(id) == nullptr) {
        std::vector<std::string> ids = Registry::instance().ids();
        for (const auto& r : pol.declarative_rules) ids.push_back(r->info.id);
        p.fail(k, fmt::format("unknown rule '{}' in {}; {}`catalog-lint rules` lists them", id,
                              where, did_you_mean(id, ids)));
      }
      const Node* sev_node = v;
      if (v->is_map()) {
        p.check_map(v, rule_setting_keys(), fmt::format("{}.{}", path, id));
        sev_node = v->get("severity");
        if (const Node* on = v->get("options"))
          rule_options(on, id, fmt::format("{}.{}.options", path, id), options);
      }
      if (sev_node == nullptr) continue;  // options only: the severity stays as it was
      const std::string sev_text = p.string(sev_node, fmt::format("the severity of rule '{}'", id));
      const auto sev = parse_severity(sev_text);
      if (!sev)
        p.fail(sev_node,
               fmt::format("severity '{}' of rule '{}' is not one of: error, warning, note, "
                           "off",
                           sev_text, id));
      into[id] = *sev;
    }
  };
  RuleOptionValues own_options;  // this file's `rules:` options, over its extends below
  severities(root->get("rules"), "rules", "rules", config.severities, own_options);
  for (const auto& [id, values] : own_options)
    for (const auto& [name, value] : values)
      if (const auto a = aliases.find(id); a != aliases.end())
        if (const auto n = a->second.find(name); n != a->second.end())
          p.fail(n->second.first,
                 fmt::format("policy.{} is a deprecated alias of rules.{}.options.{}, which this "
                             "file sets too; remove policy.{}",
                             n->second.second, id, name, n->second.second));
  merge_options(config.options, own_options);
  const std::string dir = fs::absolute(fs::path(file)).parent_path().lexically_normal().string();
  auto globs = [&](const Node* n, std::string_view what) {
    std::vector<PathGlob> out;
    for (const std::string& g : p.strings(n, what)) {
      if (const auto error = glob_error(g))
        p.fail(n, fmt::format("{} '{}' is not a valid glob: {}", what, g, *error));
      if (g.size() > ConfigLimits::kMaxGlobBytes)
        p.fail(n, fmt::format("{} has a glob of {} bytes, over the limit of {} bytes", what,
                              g.size(), ConfigLimits::kMaxGlobBytes));
      int stars = 0;
      for (std::size_t at = 0; at <= g.size();) {
        const std::size_t end = std::min(g.find('/', at), g.size());
        stars += g.compare(at, end - at, "**") == 0;
        at = end + 1;
      }
      if (stars > ConfigLimits::kMaxGlobStars)
        p.fail(n, fmt::format("{} '{}' has {} `**` segments, over the limit of {}", what, g, stars,
                              ConfigLimits::kMaxGlobStars));
      out.push_back(PathGlob{dir, g});
    }
    return out;
  };
  if (const Node* n = root->get("include"))
    for (PathGlob& g : globs(n, "include")) config.include.push_back(std::move(g));
  if (const Node* n = root->get("exclude"))
    for (PathGlob& g : globs(n, "exclude")) config.exclude.push_back(std::move(g));
  const std::size_t base_overrides = config.overrides.size();  // the extends' entries first
  if (const Node* on = root->get("overrides"); on && on->type != NodeType::null) {
    if (!on->is_seq())
      p.fail(on, fmt::format("overrides must be a list of {{files, rules}} mappings, found {}",
                             found_value(*on)));
    for (const Node* item : on->items) {
      p.check_map(item, override_keys(), "an overrides entry");
      const Node* files = item->get("files");
      const Node* rules = item->get("rules");
      if (files == nullptr) p.fail(item, "an overrides entry needs `files`");
      Override o;
      o.files = globs(files, "overrides files");
      severities(rules, "overrides rules",
                 fmt::format("overrides[{}].rules", config.overrides.size() - base_overrides),
                 o.severities, o.options);
      config.overrides.push_back(std::move(o));
    }
  }
  check_totals(p, root, config);
  // The schema has the last word on what the file may hold (the checks above give the more
  // specific messages, and the semantic checks the schema cannot make).
  if (const auto violation = check_config_schema(*root)) p.fail(violation->at, violation->message);
  stack.pop_back();
  for (const std::string& f : out.closure)
    if (f != key) config.reads.push_back(f);  // the files it extends, not itself
  if (pol.app_config)  // and the app-config files: no output may overwrite them either
    for (const std::string& f : pol.app_config->canonical_files) config.reads.push_back(f);
  out.config = std::make_shared<const Config>(std::move(config));
  return out;
}

ConfigLoader::ConfigLoader(ConfigLoadOptions options) : impl_(std::make_unique<Impl>()) {
  std::error_code ec;
  impl_->start_dir = fs::weakly_canonical(
      options.start_dir.empty() ? fs::current_path(ec) : fs::path(options.start_dir), ec);
  for (const std::string& r : options.extends_roots)
    impl_->extra_roots.push_back(fs::weakly_canonical(fs::absolute(r, ec), ec));
  impl_->options = std::move(options);
}

ConfigLoader::~ConfigLoader() = default;

std::shared_ptr<const Config> ConfigLoader::load(const std::string& file,
                                                 const std::string& confine_to) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(fs::absolute(fs::path(file), ec), ec);
  if (ec == std::errc::too_many_symbolic_link_levels)
    throw ConfigError(file, {},
                      "cannot read config file: it is a symbolic-link loop (a link that leads "
                      "back to itself)");
  if (!confine_to.empty()) {
    const fs::path root = fs::weakly_canonical(fs::absolute(confine_to, ec), ec);
    if (!inside(canonical, root))
      throw ConfigError(file, {},
                        fmt::format("resolves to '{}', outside '{}' where the search for it "
                                    "stops; a config must be a file inside it",
                                    canonical.string(), root.string()));
  }
  // Not looked up in the cache of extended files: its globs are relative to `file` as found,
  // which may be a symbolic link (the resolver loads each found config once).
  FileBytes in = read_regular_file(file, ConfigLimits::kMaxFileBytes);
  if (!in.error.empty()) throw ConfigError(file, {}, "cannot read config file: " + in.error);
  if (in.too_big)
    throw ConfigError(file, {},
                      fmt::format("config file is {} bytes, over the limit of {} bytes", in.size,
                                  ConfigLimits::kMaxFileBytes));
  ExtendsStack stack;
  return impl_->parse(file, canonical.string(), in.bytes, false, stack).config;
}

std::shared_ptr<const Config> ConfigLoader::parse(const std::string& file,
                                                  const std::string& text) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(fs::absolute(fs::path(file), ec), ec);
  ExtendsStack stack;
  return impl_->parse(file, canonical.string(), text, false, stack).config;
}

Config parse_config(const std::string& file, const std::string& text,
                    const ConfigLoadOptions& options) {
  return *ConfigLoader(options).parse(file, text);
}

Config load_config_file(const std::string& file, const ConfigLoadOptions& options) {
  return *ConfigLoader(options).load(file);
}

const Config& builtin_config() {
  static const Config config = [] {
    ExtendsStack stack;
    ConfigLoader::Impl loader;
    Config c = *preset_config(*find_preset("default"), loader, stack).config;
    c.file.clear();
    return c;
  }();
  return config;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> out;
  for (const auto& p : embedded_presets()) out.emplace_back(p.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<RuleInfo> builtin_declarative_rule_infos() {
  // Parsed without the registry (the registry calls this while it is being built), so only the
  // rule list is read here, not `rules:` (which validates ids against the registry).
  std::vector<RuleInfo> out;
  std::set<std::string> seen;
  for (const auto& preset : embedded_presets()) {
    const LoadedFile& loaded = preset_tree(preset);
    Parser p("preset:" + std::string(preset.name));
    for (const LoadedDocument& doc : loaded.documents) {
      if (!doc.root || !doc.root->is_map()) continue;
      const Node* dr = doc.root->get("declarative_rules");
      if (!dr || !dr->is_seq()) continue;
      for (const Node* item : dr->items) {
        DeclarativeRule r = parse_rule(p, item);
        if (seen.insert(r.info.id).second) out.push_back(std::move(r.info));
      }
    }
  }
  return out;
}

bool is_policy_category(std::string_view c) {
  return c == "ownership" || c == "escalation" || c == "golden-path" || c == "escape-hatch" ||
         c == "change-notice" || c == "policy" || c == "references";
}

ConfigResolver::ConfigResolver(RuleConfig base, std::shared_ptr<const Config> explicit_config,
                               bool default_policy, ConfigLoadOptions load_options)
    : base_(std::move(base)),
      explicit_(std::move(explicit_config)),
      default_policy_(default_policy) {
  std::error_code ec;
  cwd_ = fs::current_path(ec);
  if (load_options.start_dir.empty()) load_options.start_dir = cwd_.string();
  loader_ = std::make_unique<ConfigLoader>(std::move(load_options));
}

ConfigResolver::~ConfigResolver() = default;

const ResolvedConfig& ConfigResolver::broken(const std::string& file, const ConfigError& error) {
  auto& slot = broken_[file];
  if (!slot) {
    slot = std::make_unique<ResolvedConfig>(none());
    auto config = std::make_shared<Config>();  // the no-config defaults, named after the file
    config->file = file;
    slot->config = std::move(config);
    slot->error = std::make_shared<const ConfigError>(error);
  }
  return *slot;
}

bool ConfigResolver::claim(const ConfigError* error) {
  std::lock_guard lock(mutex_);
  return claimed_.emplace(error->format(), *error).second;
}

std::vector<ConfigError> ConfigResolver::claimed_errors() {
  std::lock_guard lock(mutex_);
  std::vector<ConfigError> out;
  for (const auto& [file, error] : claimed_) out.push_back(error);
  return out;
}

const std::string& ConfigResolver::repo_root(const std::string& dir) {
  if (auto it = roots_.find(dir); it != roots_.end()) return it->second;
  unsigned char seen = ListedDirs::kConfig | ListedDirs::kGit;  // unknown: ask the file system
  if (listed_)
    if (const auto l = listed_->dirs.find(dir); l != listed_->dirs.end()) seen = l->second;
  std::error_code ec;
  const fs::path d(dir);
  std::string root;
  if ((seen & ListedDirs::kGit) && fs::exists(d / ".git", ec))
    root = dir;
  else if (d.has_parent_path() && d.parent_path() != d)
    root = repo_root(d.parent_path().string());
  return roots_.emplace(dir, std::move(root)).first->second;
}

const std::string& ConfigResolver::boundary(const std::string& dir) {
  if (auto it = boundaries_.find(dir); it != boundaries_.end()) return it->second;
  std::string b = repo_root(dir);
  if (b.empty()) {
    // Outside any repository: up to the start directory, or only `dir` when not below it.
    const fs::path rel = fs::path(dir).lexically_relative(cwd_);
    b = !rel.empty() && *rel.begin() != ".." ? cwd_.string() : dir;
  }
  return boundaries_.emplace(dir, std::move(b)).first->second;
}

const ResolvedConfig& ConfigResolver::none() {
  if (default_policy_)
    return resolve(std::shared_ptr<const Config>(&builtin_config(), [](const Config*) {}));
  if (!none_) {
    none_ = std::make_unique<ResolvedConfig>();
    // Policy rules are off here, so the policy values are the model's defaults (Policy's member
    // initialisers) without parsing the default preset: a file with no config starts fast.
    static const Config kNoConfig;
    none_->config = std::shared_ptr<const Config>(&kNoConfig, [](const Config*) {});
    none_->rules = base_;
    if (!base_.only_mode()) {
      std::map<std::string, Severity, std::less<>> off;
      for (const Rule& r : Registry::instance().rules())
        if (is_policy_category(r.info.category)) off[r.info.id] = Severity::off;
      none_->rules.apply(off);
    }
    none_->rules.apply(command_line_);
  }
  return *none_;
}

const ResolvedConfig& ConfigResolver::resolve(std::shared_ptr<const Config> config) {
  auto it = resolved_.find(config.get());
  if (it != resolved_.end()) return *it->second;
  auto r = std::make_unique<ResolvedConfig>();
  r->rules = base_;
  // Declarative rules not in the registry (a repo's own) start at their declared severity.
  std::map<std::string, Severity, std::less<>> sev;
  for (const auto& rule : config->policy.declarative_rules)
    if (Registry::instance().find(rule->info.id) == nullptr)
      sev[rule->info.id] = rule->info.default_severity;
  for (const auto& [id, s] : config->severities) sev[id] = s;
  for (const auto& [id, s] : command_line_) sev[id] = s;
  r->rules.apply(sev);
  r->rules.apply_options(config->options);
  r->config = std::move(config);
  const ResolvedConfig& out = *r;
  resolved_.emplace(out.config.get(), std::move(r));
  return out;
}

const ResolvedConfig& ConfigResolver::fallback() {
  std::lock_guard lock(mutex_);
  if (explicit_) return resolve(explicit_);
  return none();
}

const ResolvedConfig* ConfigResolver::for_dir(const std::string& dir) {
  auto it = dirs_.find(dir);
  if (it != dirs_.end()) return it->second;
  const ResolvedConfig* out = nullptr;
  std::error_code ec;
  const fs::path d(dir);
  const fs::path candidate = d / kConfigFileName;
  // A directory the walk listed has no config file unless it saw one: no stat. Otherwise one
  // stat for the common case (no config here); a symlink is followed with a second one.
  unsigned char seen = ListedDirs::kConfig | ListedDirs::kGit;  // unknown: ask the file system
  if (listed_)
    if (const auto l = listed_->dirs.find(dir); l != listed_->dirs.end()) seen = l->second;
  fs::file_status st(fs::file_type::not_found);
  if (seen & ListedDirs::kConfig) st = fs::symlink_status(candidate, ec);
  // Shown relative to the working directory when below it, as the linted paths are.
  auto shown = [&] {
    std::error_code cec;
    const fs::path rel = candidate.lexically_relative(fs::current_path(cec));
    return !cec && !rel.empty() && *rel.begin() != ".." ? rel.string() : candidate.string();
  };
  // A broken config is recorded, not thrown: the files it governs are reported as not linted.
  if (fs::is_symlink(st)) {
    st = fs::status(candidate, ec);
    if (!fs::exists(st))  // a config that points nowhere is broken, not absent
      out = &broken(shown(), ConfigError(shown(), {},
                                         "the config is a symbolic link that leads to no file; "
                                         "point it at a config file or remove it"));
  }
  if (out == nullptr && fs::exists(st) && !fs::is_regular_file(st))
    out = &broken(shown(),
                  ConfigError(shown(), {},
                              fs::is_directory(st)
                                  ? "the config is a directory; a config must be a file"
                                  : "the config is a FIFO, socket or device; a config must be a "
                                    "regular file"));
  if (out == nullptr && fs::is_regular_file(st)) {
    const std::string key = shown();
    auto f = files_.find(key);
    if (f == files_.end()) {
      try {
        f = files_.emplace(key, loader_->load(key, boundary(dir))).first;
      } catch (const ConfigError& e) {
        out = &broken(key, e);
      }
    }
    if (out == nullptr) out = &resolve(f->second);
  } else if (out == nullptr &&
             (dir == boundary(dir) || !d.has_parent_path() || d.parent_path() == d)) {
    out = &none();
  } else if (out == nullptr) {
    out = for_dir(d.parent_path().string());
  }
  dirs_.emplace(dir, out);
  return out;
}

std::vector<RuleInfo> ConfigResolver::declared_rules() {
  std::lock_guard lock(mutex_);
  std::map<std::string, RuleInfo> out;
  for (const auto& [config, resolved] : resolved_)
    for (const auto& rule : config->policy.declarative_rules)
      if (Registry::instance().find(rule->info.id) == nullptr)
        out.emplace(rule->info.id, rule->info);
  std::vector<RuleInfo> v;
  for (auto& [id, info] : out) v.push_back(std::move(info));
  return v;
}

bool PathGlob::matches(const std::string& file) const {
  std::error_code ec;
  const fs::path abs = fs::absolute(fs::path(file), ec).lexically_normal();
  const fs::path rel = abs.lexically_relative(dir);
  if (rel.empty() || *rel.begin() == "..") return false;
  return glob_match(pattern, rel.generic_string());
}

bool Config::discovers(const std::string& file) const {
  for (const PathGlob& g : exclude)
    if (g.matches(file)) return false;
  if (include.empty()) return true;
  for (const PathGlob& g : include)
    if (g.matches(file)) return true;
  return false;
}

const ResolvedConfig& ConfigResolver::for_file(const std::string& file) {
  std::lock_guard lock(mutex_);
  const ResolvedConfig* base = nullptr;
  if (explicit_) {
    base = &resolve(explicit_);
  } else {
    // Cached by the directory as written, so the path arithmetic runs once per directory.
    const std::size_t slash = file.rfind('/');
    const std::string written_dir = slash == std::string::npos ? "." : file.substr(0, slash + 1);
    auto it = written_dirs_.find(written_dir);
    if (it == written_dirs_.end()) {
      std::error_code ec;
      if (cwd_.empty()) cwd_ = fs::current_path(ec);  // fs::absolute would ask every time
      const fs::path given(file);
      const fs::path abs = (given.is_absolute() ? given : cwd_ / given).lexically_normal();
      it = written_dirs_.emplace(written_dir, for_dir(abs.parent_path().string())).first;
    }
    base = it->second;
  }
  const std::vector<Override>& overrides = base->config->overrides;
  if (overrides.empty()) return *base;
  std::vector<std::size_t> matched;
  std::string key;
  for (std::size_t i = 0; i < overrides.size(); ++i)
    for (const PathGlob& g : overrides[i].files)
      if (g.matches(file)) {
        matched.push_back(i);
        key += std::to_string(i) + ",";
        break;
      }
  if (matched.empty()) return *base;
  auto& slot = overridden_[{base->config.get(), key}];
  if (!slot) {
    slot = std::make_unique<ResolvedConfig>(*base);
    std::map<std::string, Severity, std::less<>> sev;
    for (const std::size_t i : matched)
      for (const auto& [id, s] : overrides[i].severities) sev[id] = s;
    for (const auto& [id, s] : command_line_) sev[id] = s;  // the command line still wins
    slot->rules.apply(sev);
    for (const std::size_t i : matched) slot->rules.apply_options(overrides[i].options);
  }
  return *slot;
}

std::vector<std::string> ConfigResolver::config_files() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  if (explicit_ && !explicit_->file.empty()) out.push_back(explicit_->file);
  if (explicit_) out.insert(out.end(), explicit_->reads.begin(), explicit_->reads.end());
  for (const auto& [file, config] : files_) {
    out.push_back(file);
    out.insert(out.end(), config->reads.begin(), config->reads.end());  // its extends: chain
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> ConfigResolver::catalog_sources() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  auto add = [&](const Config& c) {
    for (const std::string& path : c.policy.catalog) out.push_back(path);
    // catalog_complete: the repository is the whole org, so a partial run looks the rest of it
    // up there (the repository of the working directory; outside any, the working directory).
    if (c.policy.catalog_complete) out.push_back(find_repo_root());
  };
  if (explicit_) add(*explicit_);
  for (const auto& [file, config] : files_)
    if (config) add(*config);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::shared_ptr<const AppConfig>> ConfigResolver::app_configs() {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<const AppConfig>> out;
  auto add = [&](const Config& c) {
    if (c.policy.app_config && std::find(out.begin(), out.end(), c.policy.app_config) == out.end())
      out.push_back(c.policy.app_config);
  };
  if (explicit_) add(*explicit_);
  std::vector<std::string> keys;  // files_ is unordered: a deterministic order
  for (const auto& [file, config] : files_) keys.push_back(file);
  std::sort(keys.begin(), keys.end());
  for (const std::string& k : keys)
    if (const auto& c = files_.at(k)) add(*c);
  return out;
}

}  // namespace catalog_lint
