#include "skeleton_option.h"

#include <cstdio>
#include <memory>
#include <unordered_set>

#include <fmt/format.h>

#include "core/source.h"

namespace catalog_lint {

void add_skeleton_option(CLI::App& app, std::string& value) {
  app.add_option("--skeletons", value,
                 "scaffolder skeletons: skip them (default) or lint them in skeleton mode, each "
                 "template expression standing for a valid value; overrides `skeletons:` of the "
                 "config")
      ->check(CLI::IsMember({"skip", "lint"}));
}

void plan_skeletons(const std::string& value, Discovery& found, LintOptions& options) {
  options.detect_skeletons = true;
  if (!value.empty()) options.lint_skeletons = value == "lint";
  if (found.skeleton_files.empty()) return;
  const std::unordered_set<std::string> named(found.files.begin(), found.files.end());
  auto files = std::make_shared<std::unordered_set<std::string>>();
  for (std::string& f : found.skeleton_files) {
    if (named.count(f)) continue;  // also named: linted as named
    files->insert(f);
    found.files.push_back(std::move(f));
    found.walked.push_back(true);
  }
  found.skeleton_files.clear();
  options.skeleton_files = std::move(files);
}

void note_skipped_skeletons(const LintResult& result) {
  const std::vector<std::string>& skipped = result.skipped_skeletons;
  if (skipped.empty()) return;
  const std::string what = skipped.size() == 1
                               ? fmt::format("'{}' is a scaffolder skeleton", printable(skipped[0]))
                               : fmt::format("{} files are scaffolder skeletons", skipped.size());
  std::fputs(fmt::format("catalog-lint: note: {} (template expressions such as ${{{{ values.name "
                         "}}}}, or under a Template's fetch:template folder), not linted; "
                         "--skeletons=lint lints {} in skeleton mode\n",
                         what, skipped.size() == 1 ? "it" : "them")
                 .c_str(),
             stderr);
}

void note_skipped_non_entities(const LintResult& result) {
  const std::vector<std::string>& skipped = result.skipped_not_entities;
  if (skipped.empty()) return;
  const std::string what =
      skipped.size() == 1
          ? fmt::format("'{}' declares no Backstage apiVersion or kind", printable(skipped[0]))
          : fmt::format("{} files declare no Backstage apiVersion or kind", skipped.size());
  std::fputs(
      fmt::format("catalog-lint: note: {}, not linted (--skip-non-entities)\n", what).c_str(),
      stderr);
}

}  // namespace catalog_lint
