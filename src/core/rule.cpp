#include "core/rule.h"

#include <algorithm>
#include <charconv>
#include <mutex>
#include <stdexcept>
#include <unordered_set>

#include "core/config.h"
#include "core/embedded_docs.h"

namespace catalog_lint {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::function<std::unique_ptr<Checker>()>>& factories() {
  static std::vector<std::function<std::unique_ptr<Checker>()>> f;
  return f;
}
}  // namespace

RuleInfo parse_rule_doc(std::string_view text) {
  if (text.substr(0, 4) != "---\n") throw std::runtime_error("rule doc must start with ---");
  const std::size_t end = text.find("\n---\n", 3);
  if (end == std::string_view::npos) throw std::runtime_error("rule doc front matter not closed");
  std::string_view front = text.substr(4, end - 4 + 1);
  RuleInfo info;
  bool have_severity = false;
  while (!front.empty()) {
    const std::size_t nl = front.find('\n');
    std::string_view line = front.substr(0, nl);
    front.remove_prefix(nl == std::string_view::npos ? front.size() : nl + 1);
    if (trim(line).empty()) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) throw std::runtime_error("bad front matter line");
    const std::string_view key = trim(line.substr(0, colon));
    const std::string value(trim(line.substr(colon + 1)));
    if (key == "id") {
      info.id = value;
    } else if (key == "summary") {
      info.summary = value;
    } else if (key == "category") {
      info.category = value;
    } else if (key == "severity") {
      const auto s = parse_severity(value);
      if (!s || *s == Severity::off) throw std::runtime_error("bad severity: " + value);
      info.default_severity = *s;
      have_severity = true;
    } else if (key == "recommended") {
      info.recommended = value == "true";
    } else if (key == "source") {
      info.source = value;
    } else {
      throw std::runtime_error("unknown front matter key: " + std::string(key));
    }
  }
  if (info.id.empty() || info.summary.empty() || info.category.empty() || !have_severity)
    throw std::runtime_error("rule doc needs id, summary, category and severity: " + info.id);
  info.doc = std::string(text.substr(end + 5));
  return info;
}

Severity RuleConfig::severity(std::string_view id) const {
  auto it = severities_.find(id);
  return it == severities_.end() ? Severity::off : it->second;
}

void RuleConfig::only(std::string id) {
  for (auto& [rule, sev] : severities_)
    if (rule != id) sev = Severity::off;
  only_mode_ = true;
}

void RuleConfig::apply(const std::map<std::string, Severity, std::less<>>& overrides) {
  for (const auto& [id, sev] : overrides) {
    if (only_mode_ && severity(id) == Severity::off) continue;
    severities_[id] = sev;
  }
}

void Checker::check_entity(const Entity&, EntityContext&) const {}
void Checker::check_catalog(const CatalogIndex&, CatalogContext&) const {}

void Registry::add_factory(std::function<std::unique_ptr<Checker>()> factory) {
  factories().push_back(std::move(factory));
}

const Registry& Registry::instance() {
  static const Registry registry;
  return registry;
}

Registry::Registry() {
  // Every rule, the presets' declarative ones included, is documented by a rules/<id>.md.
  for (std::string_view doc : embedded_rule_docs()) rules_.push_back(parse_rule_doc(doc));
  std::sort(rules_.begin(), rules_.end(),
            [](const RuleInfo& a, const RuleInfo& b) { return a.id < b.id; });
  for (std::size_t i = 0; i < rules_.size(); ++i) index_.emplace(rules_[i].id, i);
  for (auto& f : factories()) checkers_.push_back(f());
}

const RuleInfo* Registry::find(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &rules_[it->second];
}

RuleConfig Registry::defaults() const {
  RuleConfig c;
  for (const RuleInfo& r : rules_) c.set(r.id, r.default_severity);
  return c;
}

Diagnostic new_diagnostic(std::string_view rule, Severity severity) {
  Diagnostic d;
  d.rule = std::string(rule);
  d.severity = severity;
  if (const RuleInfo* info = Registry::instance().find(rule))
    d.category = info->category;
  else
    d.category = "policy";  // a repo's own declarative rule (.catalog-lint.yaml)
  return d;
}

void EntityContext::report(std::string_view rule, const Node* at, std::string path,
                           std::string message, std::string help) {
  report_at(rule, at ? at->pos : SourcePos{}, at ? at->end : SourcePos{}, std::move(path),
            std::move(message), std::move(help));
}

void EntityContext::report_at(std::string_view rule, SourcePos pos, SourcePos end, std::string path,
                              std::string message, std::string help) {
  const Severity s = config_.severity(rule);
  if (s == Severity::off) return;
  Diagnostic d = new_diagnostic(rule, s);
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

Diagnostic* CatalogContext::report_field(std::string_view rule, const EntitySummary& e,
                                         const SummaryField& at, std::string message,
                                         std::string help) {
  Diagnostic* d = report(rule, e, at.pointer(), std::move(message), std::move(help));
  if (d == nullptr) return nullptr;
  d->start = at.pos;
  d->end = at.end;
  d->source_line = shared_line(e, at.line);
  return d;
}

std::shared_ptr<const std::string> CatalogContext::shared_line(const EntitySummary& e,
                                                               LineSlice s) {
  auto& slot = lines_[{&e, s.offset}];
  if (!slot) slot = std::make_shared<const std::string>(e.line_text(s));
  return slot;
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

Diagnostic* CatalogContext::report(std::string_view rule, const EntitySummary& e, std::string path,
                                   std::string message, std::string help) {
  const Severity s = (e.rules ? *e.rules : config_).severity(rule);
  if (s == Severity::off) return nullptr;
  Diagnostic d = new_diagnostic(rule, s);
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

}  // namespace catalog_lint
