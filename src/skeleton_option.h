// The `--skeletons` option of a lint run (docs/skeletons.md): what becomes of scaffolder
// skeletons, and the notes on the files a run left out (skeletons, `--skip-non-entities`).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "core/discover.h"
#include "core/linter.h"

namespace catalog_lint {

/// Adds `--skeletons skip|lint` to `app`, stored in `value` ("" when not given).
void add_skeleton_option(CLI::App& app, std::string& value);

/// Prepares a run for skeletons: `options` detect them (LintOptions::detect_skeletons), with
/// `value` (the --skeletons value, "" = each file's config decides) and the walked skeletons of
/// `found`, which join `found.files` as walked files (the lint skips them or lints them in
/// skeleton mode; a config's include/exclude applies to them as to any walked file).
void plan_skeletons(const std::string& value, Discovery& found, LintOptions& options);

/// Says on standard error which files the run left out as skeletons (none: nothing).
void note_skipped_skeletons(const LintResult& result);

/// The note on standard error for the files `--skip-non-entities` left out (none: nothing).
void note_skipped_non_entities(const LintResult& result);

}  // namespace catalog_lint
