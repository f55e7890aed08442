#include "core/linter.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "core/entity.h"

namespace catalog_lint {

namespace {

void stamp_load_diagnostic(Diagnostic& d, const std::string& file, const RuleConfig& config) {
  d.severity = config.severity(d.rule);
  if (const RuleInfo* info = Registry::instance().find(d.rule)) d.category = info->category;
  d.file = file;
  for (RelatedNote& n : d.notes)
    if (n.file.empty()) n.file = file;
}

}  // namespace

FileResult lint_bytes(const std::string& file, std::string bytes, const LintOptions& options) {
  FileResult result;
  result.file = file;
  LoadedFile loaded = load_yaml(std::move(bytes), options.limits);
  const SourceText& src = *loaded.source;
  auto& out = result.diagnostics;
  for (Diagnostic& d : loaded.diagnostics) {
    stamp_load_diagnostic(d, file, options.config);
    if (d.severity != Severity::off) out.push_back(std::move(d));
  }
  const auto& checkers = Registry::instance().checkers();
  for (const LoadedDocument& doc : loaded.documents) {
    if (doc.root == nullptr) continue;
    if (!doc.root->is_map()) {
      EntityContext ctx(options.config, file, "", doc.index, out);
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
    EntityContext ctx(options.config, file, ref, doc.index, out);
    for (const auto& checker : checkers) checker->check_entity(entity, ctx);
    if (!ref.empty()) {
      EntitySummary s;
      s.ref = ref;
      s.kind = std::string(entity.kind());
      s.file = file;
      s.document = doc.index;
      const Node* name = entity.metadata() ? entity.metadata()->get("name") : nullptr;
      s.name_pos = name ? name->pos : doc.root->pos;
      s.name_end = name ? name->end : SourcePos{};
      s.name_line = std::string(src.line(s.name_pos.line));
      result.entities.push_back(std::move(s));
    }
  }
  for (Diagnostic& d : out) {
    if (!d.start.valid()) d.start = src.pos_at(0, 0);
    if (d.source_line.empty()) d.source_line = std::string(src.line(d.start.line));
  }
  return result;
}

FileResult lint_file(const std::string& file, const LintOptions& options) {
  std::string bytes;
  std::FILE* f = std::fopen(file.c_str(), "rb");
  int err = 0;
  if (f != nullptr) {
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
      bytes.append(buf, n);
      if (bytes.size() > options.limits.max_file_bytes) break;  // enough to know it is too big
    }
    if (std::ferror(f)) err = errno ? errno : EIO;
    std::fclose(f);
  } else {
    err = errno;
  }
  if (f == nullptr || err != 0) {
    FileResult r;
    r.file = file;
    r.unreadable = true;
    Diagnostic d;
    d.rule = "unreadable-file";
    d.message = fmt::format("cannot read file: {}", std::strerror(err));
    d.help = "check that the path exists, is a regular file and is readable";
    d.start = SourcePos{1, 1, 1, 0};
    d.document = -1;
    stamp_load_diagnostic(d, file, options.config);
    if (d.severity == Severity::off) d.severity = Severity::error;  // I/O errors are never hidden
    r.diagnostics.push_back(std::move(d));
    return r;
  }
  return lint_bytes(file, std::move(bytes), options);
}

LintResult finish(std::vector<FileResult> results, const LintOptions& options) {
  LintResult out;
  out.files = results.size();
  CatalogIndex index;
  for (FileResult& r : results) {
    out.io_error = out.io_error || r.unreadable;
    for (Diagnostic& d : r.diagnostics) out.diagnostics.push_back(std::move(d));
    for (EntitySummary& e : r.entities) index.entities.push_back(std::move(e));
  }
  CatalogContext ctx(options.config, out.diagnostics);
  for (const auto& checker : Registry::instance().checkers()) checker->check_catalog(index, ctx);
  std::stable_sort(out.diagnostics.begin(), out.diagnostics.end(), diagnostic_less);
  return out;
}

LintResult lint_files(const std::vector<std::string>& files, const LintOptions& options) {
  std::vector<FileResult> results(files.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < files.size();)
      results[i] = lint_file(files[i], options);
  };
  const unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, files.size()));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  return finish(std::move(results), options);
}

}  // namespace catalog_lint
