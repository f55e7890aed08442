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
#include <fstream>
#include <sstream>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "core/discover.h"
#include "core/entity.h"
#include "core/entity_ref.h"
#include "report/report.h"

namespace catalog_lint {

namespace {

void stamp_load_diagnostic(Diagnostic& d, const std::string& file, const RuleConfig& config) {
  d.severity = config.severity(d.rule);
  if (const RuleInfo* info = Registry::instance().find(d.rule)) d.category = info->category;
  d.file = file;
  for (RelatedNote& n : d.notes)
    if (n.file.empty()) n.file = file;
}

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

}  // namespace

FileResult lint_bytes(const std::string& file, std::string bytes, const LintOptions& options) {
  FileResult result;
  result.file = file;
  const RuleConfig* rules = &options.config;
  const Policy* policy = nullptr;
  if (options.resolver) {
    const ResolvedConfig& resolved = options.resolver->for_file(file);
    rules = &resolved.rules;
    policy = &resolved.policy();
  } else {
    policy = &builtin_config().policy;  // tests and embedders without a resolver
  }
  // Whether any policy rule runs on this file (they read the detailed summaries).
  bool policy_on = false;
  for (const RuleInfo& r : Registry::instance().rules())
    policy_on = policy_on || (is_policy_category(r.category) && rules->enabled(r.id));
  if (policy)
    for (const auto& d : policy->declarative_rules)
      policy_on = policy_on || rules->enabled(d->info.id);
  LoadedFile loaded = load_yaml(std::move(bytes), options.limits);
  const SourceText& src = *loaded.source;
  auto& out = result.diagnostics;
  for (Diagnostic& d : loaded.diagnostics) {
    stamp_load_diagnostic(d, file, *rules);
    if (d.severity != Severity::off) out.push_back(std::move(d));
  }
  const auto& checkers = Registry::instance().checkers();
  for (const LoadedDocument& doc : loaded.documents) {
    // Backstage skips empty (null) documents silently.
    if (doc.root == nullptr || doc.root->type == NodeType::null) continue;
    if (!doc.root->is_map()) {
      EntityContext ctx(*rules, file, "", doc.index, out, policy);
      ctx.report("non-mapping-document", doc.root, "",
                 fmt::format("document root is {}, not a mapping; Backstage expects an entity "
                             "object (\"Expected object at root, got {}\")",
                             json_type_name(doc.root->type),
                             doc.root->is_seq() ? "object" : json_type_name(doc.root->type)),
                 "a catalog document is a mapping with apiVersion, kind, metadata and spec");
      continue;
    }
    Entity entity{doc.root, doc.index, file};
    const std::string ref = entity.ref();
    EntityContext ctx(*rules, file, ref, doc.index, out, policy);
    for (const auto& checker : checkers) checker->check_entity(entity, ctx);
    if (entity.kind() == "Location") collect_targets(entity, ref, file, src, result.locations);
    if (!ref.empty()) {
      // Groups, Users and Templates are looked up by other files' policy rules: always detailed.
      const std::string kind = to_lower(entity.kind());
      const bool org = kind == "group" || kind == "user" || kind == "template";
      EntitySummary s = summarize(entity, ref, file, src, policy, org || policy_on);
      s.rules = rules;
      s.policy = policy;
      result.entities.push_back(std::move(s));
    }
  }
  // Each source line copied once however many findings point at it.
  std::unordered_map<int, std::shared_ptr<const std::string>> lines;
  for (Diagnostic& d : out) {
    if (!d.start.valid()) d.start = src.pos_at(0, 0);
    if (d.source_line) continue;
    auto& line = lines[d.start.line];
    if (!line) line = std::make_shared<const std::string>(src.line(d.start.line));
    d.source_line = line;
  }
  result.suppressions = parse_suppressions(src);
  return result;
}

FileBytes read_regular_file(const std::string& path, std::size_t limit) {
  FileBytes out;
  // Only regular files are read: a FIFO or a device (/dev/zero, a terminal) could block forever
  // or never end. O_NONBLOCK keeps open() itself from waiting for a FIFO's writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    out.error = std::strerror(errno);
    return out;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    out.error = std::strerror(errno);
    ::close(fd);
    return out;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    out.error = S_ISDIR(st.st_mode) ? std::strerror(EISDIR)
                                    : "not a regular file (a FIFO, socket or device)";
    return out;
  }
  out.size = static_cast<unsigned long long>(st.st_size);
  if (out.size > limit) {
    ::close(fd);
    out.too_big = true;
    return out;
  }
  out.bytes.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) out.error = std::strerror(errno);
    if (n <= 0) break;
    out.bytes.append(buf, static_cast<std::size_t>(n));
    if (out.bytes.size() > limit) {  // it grew while read: enough to know it is too big
      out.too_big = true;
      out.size = out.bytes.size();
      out.bytes.clear();
      break;
    }
  }
  ::close(fd);
  return out;
}

FileResult lint_file(const std::string& file, const LintOptions& options) {
  const RuleConfig& rules =
      options.resolver ? options.resolver->for_file(file).rules : options.config;
  auto whole_file = [&](std::string rule, std::string message, std::string help) {
    Diagnostic d;
    d.rule = std::move(rule);
    d.message = std::move(message);
    d.help = std::move(help);
    d.start = SourcePos{1, 1, 1, 0};
    d.document = -1;
    stamp_load_diagnostic(d, file, rules);
    FileResult r;
    r.file = file;
    r.diagnostics.push_back(std::move(d));
    return r;
  };
  auto unreadable = [&](const std::string& reason) {
    FileResult r = whole_file("unreadable-file", fmt::format("cannot read file: {}", reason),
                              "check that the path exists, is a regular file and is readable");
    r.unreadable = true;
    Severity& s = r.diagnostics.back().severity;
    if (s == Severity::off) s = Severity::error;  // I/O errors are never hidden
    return r;
  };
  FileBytes in = read_regular_file(file, options.limits.max_file_bytes);
  if (!in.error.empty()) return unreadable(in.error);
  if (in.too_big) {
    FileResult r =
        whole_file("limit-exceeded",
                   fmt::format("file is {} bytes, over the limit of {} bytes; it is not linted",
                               in.size, options.limits.max_file_bytes),
                   "catalog files are small; raise the limit with --limit file-bytes=N if this one "
                   "must be linted");
    if (r.diagnostics.back().severity == Severity::off) r.diagnostics.clear();
    return r;
  }
  std::string bytes = std::move(in.bytes);
  return lint_bytes(file, std::move(bytes), options);
}

namespace {

/// Calls f(i) once for each i in [0, n), on up to `jobs` threads (the calling one included),
/// handing out indices in order as threads become free; returns when all calls have returned.
/// `f` must not throw (an exception escaping a thread ends the process).
template <class F>
void parallel_for(std::size_t n, unsigned jobs, F f) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) f(i);
  };
  std::vector<std::jthread> threads;
  for (std::size_t t = 1; t < std::min<std::size_t>(jobs, n); ++t) threads.emplace_back(work);
  work();
}

/// Summaries of the Groups, Users and Templates under the `--catalog` paths (unreadable or
/// unparsable files are skipped: they are not linted, only looked up).
std::vector<EntitySummary> load_org(const LintOptions& options) {
  std::vector<EntitySummary> org;
  if (options.catalogs.empty()) return org;
  const Policy* policy =
      options.resolver ? &options.resolver->fallback().policy() : &builtin_config().policy;
  const Discovery found = discover(options.catalogs);
  for (const std::string& file : found.files) {
    FileBytes in = read_regular_file(file, options.limits.max_file_bytes);
    if (!in.error.empty() || in.too_big) continue;
    LoadedFile loaded = load_yaml(std::move(in.bytes), options.limits);
    for (const LoadedDocument& doc : loaded.documents) {
      if (doc.root == nullptr || !doc.root->is_map()) continue;
      Entity entity{doc.root, doc.index, file};
      const std::string kind = to_lower(entity.kind());
      if (kind != "group" && kind != "user" && kind != "template") continue;
      const std::string ref = entity.ref();
      if (ref.empty()) continue;
      org.push_back(summarize(entity, ref, file, *loaded.source, policy));
      org.back().policy = policy;
    }
  }
  return org;
}

}  // namespace

LintResult finish(std::vector<FileResult> results, const LintOptions& options) {
  LintResult out;
  for (const FileResult& r : results)
    if (!r.file.empty()) out.linted.push_back(r.file);
  out.files = out.linted.size();
  CatalogIndex index;
  index.today = options.today.empty() ? current_date() : options.today;
  index.org = load_org(options);
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
  // The catalog phase runs its checkers on --jobs threads: each reads the index (never writes
  // it) and reports into its own list, appended in registry order, so the result does not
  // depend on the threads.
  const auto& checkers = Registry::instance().checkers();
  std::vector<std::vector<Diagnostic>> found(checkers.size());
  std::vector<std::exception_ptr> failed(checkers.size());  // rethrown here, not in a thread
  parallel_for(checkers.size(), options.jobs, [&](std::size_t i) {
    try {
      CatalogContext ctx(options.config, found[i]);
      checkers[i]->check_catalog(index, ctx);
    } catch (...) {
      failed[i] = std::current_exception();
    }
  });
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
  for (std::vector<Diagnostic>& list : found)
    for (Diagnostic& d : list) out.diagnostics.push_back(std::move(d));
  // Suppressions apply to catalog-phase findings too, so they come last (all files in one pass).
  std::vector<FileSuppressions> suppressions;
  for (FileResult& r : results) {
    if (r.suppressions.empty()) continue;
    const RuleConfig& rules =
        options.resolver ? options.resolver->for_file(r.file).rules : options.config;
    suppressions.push_back(FileSuppressions{r.file, &r.suppressions, &rules});
  }
  apply_suppressions(suppressions, out.diagnostics);
  std::stable_sort(out.diagnostics.begin(), out.diagnostics.end(), diagnostic_less);
  return out;
}

std::vector<FileResult> lint_parallel(const std::vector<std::string>& files,
                                      const LintOptions& options) {
  std::vector<FileResult> results(files.size());
  // Configs are found (and any config error thrown) before the parallel phase.
  if (options.resolver)
    for (const std::string& f : files) options.resolver->for_file(f);
  parallel_for(files.size(), options.jobs,
               [&](std::size_t i) { results[i] = lint_file(files[i], options); });
  return results;
}

LintResult lint_files(const std::vector<std::string>& files, const LintOptions& options,
                      const std::string& repo_root) {
  std::vector<FileResult> results = lint_parallel(files, options);
  if (options.follow_locations) {
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
      resolve_location_targets(targets, root, options.config, known, more, notes.diagnostics);
      from = results.size();
      if (!notes.diagnostics.empty()) results.push_back(std::move(notes)), ++from;
      if (more.empty()) break;
      for (FileResult& r : lint_parallel(more, options)) results.push_back(std::move(r));
    }
  }
  return finish(std::move(results), options);
}

}  // namespace catalog_lint
