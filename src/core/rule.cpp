#include "core/rule.h"

#include "core/policy.h"

#include <charconv>
#include <mutex>
#include <unordered_set>

namespace catalog_lint {

std::string Policy::annotation(std::string_view name) const {
  return annotation_prefix + std::string(name);
}

Diagnostic new_diagnostic(std::string_view rule) {
  Diagnostic d;
  d.rule = std::string(rule);
  return d;
}

Diagnostic new_diagnostic(RuleId rule) {
  return new_diagnostic(rule_name(rule));
}

void EntityContext::report(const Node* at, std::string path, std::string message,
                           std::string help) {
  report_at(at ? at->pos : SourcePos{}, at ? at->end : SourcePos{}, std::move(path),
            std::move(message), std::move(help));
}

void EntityContext::report_at(SourcePos pos, SourcePos end, std::string path, std::string message,
                              std::string help) {
  Diagnostic d = new_diagnostic(rule_);
  d.message = std::move(message);
  d.help = std::move(help);
  d.file = std::string(file_);
  d.start = pos;
  d.end = end;
  d.document = document_;
  d.entity = std::string(entity_);
  d.path = std::move(path);
  out_.push_back(std::move(d));
}

void EntityContext::note_last(std::string message, std::string file, SourcePos pos) {
  if (!out_.empty())
    out_.back().notes.push_back(RelatedNote{std::move(message), std::move(file), pos});
}

void EntityContext::fix_last(Fix fix) {
  if (!out_.empty()) out_.back().fix = std::move(fix);
}

bool SummaryField::is(std::string_view p) const {
  if (item < 0) return base == p;
  if (!p.starts_with(base)) return false;
  p.remove_prefix(base.size());
  int n = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
  return ec == std::errc() && end == p.data() + p.size() && n == item &&
         (p.size() == 1 || p[0] != '0');
}

const SummaryField* EntitySummary::field(std::string_view pointer) const {
  for (const SummaryField& f : fields)
    if (f.is(pointer)) return &f;
  return nullptr;
}

std::vector<const SummaryField*> EntitySummary::tags() const {
  std::vector<const SummaryField*> out;
  for (const SummaryField& f : fields)
    if (f.item >= 0 && f.base == "/metadata/tags/") out.push_back(&f);
  return out;
}

std::string_view intern_pointer(std::string_view pointer) {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
  };
  static std::mutex mutex;
  static std::unordered_set<std::string, Hash, std::equal_to<>> pool;  // node-based: stable
  std::lock_guard lock(mutex);
  auto it = pool.find(pointer);
  if (it == pool.end()) it = pool.emplace(pointer).first;
  return *it;
}

Diagnostic* CatalogContext::report(const EntitySummary& e, std::string path, std::string message,
                                   std::string help) {
  Diagnostic d = new_diagnostic(rule_);
  d.message = std::move(message);
  d.help = std::move(help);
  d.file = e.file;
  d.start = e.name_pos;
  d.end = e.name_end;
  d.document = e.document;
  d.entity = e.ref;
  d.path = std::move(path);
  d.source_line = shared_line(e, e.name_line);
  out_.push_back(std::move(d));
  return &out_.back();
}

Diagnostic* CatalogContext::report_field(const EntitySummary& e, const SummaryField& at,
                                         std::string message, std::string help) {
  Diagnostic* d = report(e, at.pointer(), std::move(message), std::move(help));
  d->start = at.pos;
  d->end = at.end;
  d->source_line = shared_line(e, at.line);
  return d;
}

void CatalogContext::note_once(const EntitySummary& e, const SummaryField& at, std::string message,
                               std::string help) {
  if (noted_) return;
  noted_ = true;
  report_field(e, at, std::move(message), std::move(help))->fixed_severity = Severity::note;
}

std::shared_ptr<const std::string> CatalogContext::shared_line(const EntitySummary& e,
                                                               LineSlice s) {
  auto& slot = lines_[{&e, s.offset}];
  if (!slot) slot = std::make_shared<const std::string>(e.line_text(s));
  return slot;
}

}  // namespace catalog_lint
