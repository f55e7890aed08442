#include "core/rule_config.h"

namespace catalog_lint {

Severity RuleConfig::severity(std::string_view id) const {
  auto it = severities_.find(id);
  return it == severities_.end() ? Severity::off : it->second;
}

void RuleConfig::set(std::string id, Severity s) {
  if (const auto rule = find_rule_id(id)) by_id_[static_cast<std::size_t>(*rule)] = s;
  severities_[std::move(id)] = s;
}

void RuleConfig::only(std::string id) {
  for (auto& [rule, sev] : severities_)
    if (rule != id) sev = Severity::off;
  for (std::size_t i = 0; i < kRuleCount; ++i)
    if (rule_name(static_cast<RuleId>(i)) != id) by_id_[i] = Severity::off;
  only_mode_ = true;
}

void RuleConfig::apply(const std::map<std::string, Severity, std::less<>>& overrides) {
  for (const auto& [id, sev] : overrides) {
    if (only_mode_ && severity(id) == Severity::off) continue;
    set(id, sev);
  }
}

void RuleConfig::apply_options(const std::map<std::string, OptionValues, std::less<>>& options) {
  for (const auto& [id, values] : options)
    for (const auto& [name, value] : values) options_[id][name] = value;
}

const OptionValues* RuleConfig::options(std::string_view id) const {
  const auto it = options_.find(id);
  return it == options_.end() ? nullptr : &it->second;
}

}  // namespace catalog_lint
