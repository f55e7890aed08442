// `catalog-lint lsp`: a Language Server Protocol 3.17 server over standard input and output
// (docs/editors.md). It lints the unsaved text of catalog files with the configuration and org
// catalog of their paths, offers fixes and suppressions as code actions, hovers rule docs and
// referenced entities, goes to the definition of references and completes owners, systems,
// domains, golden-path tags and annotation keys. It never writes a file.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/diagnostic.h"
#include "lsp/position.h"

namespace catalog_lint::lsp {

/// The options of `catalog-lint lsp` (none yet: the stdio transport is the only one).
struct LspArgs {
  bool stdio = true;  ///< `--stdio`, accepted for clients that always pass it
};

/// Adds the `lsp` subcommand to `app`, its options stored in `args`.
CLI::App* add_lsp_command(CLI::App& app, LspArgs& args);

/// Serves LSP on standard input and output until `exit` or the end of standard input. Returns the
/// process exit code the spec asks for: 0 when `shutdown` came first, 1 otherwise.
int run_lsp(const LspArgs& args);

/// A text and its line index, for converting byte offsets to LSP positions.
struct TextView {
  std::string_view text;
  const LineIndex& index;
  Encoding encoding = Encoding::utf16;
};

/// The LSP Range (`{"start": …, "end": …}`) of bytes [begin, end) of `t`.
nlohmann::json lsp_range(const TextView& t, std::size_t begin, std::size_t end);

/// The LSP Diagnostic of `d` (a finding in `t`'s file): range from its byte offsets (to the end
/// of its line when it has no end), severity error 1, warning 2, note 3, `code` the rule id,
/// `source` "catalog-lint", `message` the message and, on a second line, its help.
/// `uri_of` maps a related note's file to its URI.
nlohmann::json lsp_diagnostic(const Diagnostic& d, const TextView& t,
                              const std::function<std::string(const std::string&)>& uri_of);

/// The LSP TextEdits of `fix` (byte ranges of `t`), in order.
nlohmann::json lsp_edits(const Fix& fix, const TextView& t);

/// The quick-fix CodeAction of `d`'s fix for document `uri`, or null when `d` has none: title the
/// fix's description (with " (unsafe)" for an unsafe one), kind "quickfix", `isPreferred` for a
/// safe fix, the edit as a WorkspaceEdit.
nlohmann::json fix_action(const Diagnostic& d, const std::string& uri, const TextView& t,
                          const nlohmann::json& lsp_diag);

/// The "suppress with a reason" CodeAction of `d`: inserts
/// `# catalog-lint-disable-next-line RULE -- <reason>` above its line, indented like that line;
/// null for findings a comment cannot suppress (Backstage rejects the document: src/core/
/// suppression.h) and findings without a line.
nlohmann::json suppress_action(const Diagnostic& d, const std::string& uri, const TextView& t,
                               const nlohmann::json& lsp_diag);

/// The edits of every safe fix among `diagnostics` that overlaps no earlier one, in offset order
/// (one round of what `--fix` applies), as LSP TextEdits.
nlohmann::json safe_fix_edits(const std::vector<Diagnostic>& diagnostics, const TextView& t);

}  // namespace catalog_lint::lsp
