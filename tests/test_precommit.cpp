// Integration test of .pre-commit-hooks.yaml with the real pre-commit framework (Debian package
// `pre-commit`): a commit of a bad catalog file is refused with the diagnostic, a good one passes.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint::test;

namespace {

/// A repository `service` (under a temporary root) whose .pre-commit-config.yaml uses our hook
/// from a local hooks repository holding .pre-commit-hooks.yaml, with `pre-commit install` done.
struct HookRepo {
  std::string root, repo;
  std::string git = "git -c user.email=t@example.com -c user.name=test ";
  std::string env;  ///< PATH with the built binary first, and a private PRE_COMMIT_HOME
};

HookRepo hook_repo(const std::string& hook_options = "") {
  HookRepo h;
  h.root = temp_dir();
  h.repo = h.root + "/service";
  const std::string hooks = h.root + "/hooks";
  // A repository holding our hook definition, as users reference it.
  write_file(hooks + "/.pre-commit-hooks.yaml",
             read_file(source_dir() + "/.pre-commit-hooks.yaml"));
  REQUIRE(sh(hooks, "git init -q && git add . && " + h.git + "commit -qm hooks").first == 0);
  const std::string rev = [&] {
    auto [code, out] = sh(hooks, "git rev-parse HEAD");
    REQUIRE(code == 0);
    return out.substr(0, out.find('\n'));
  }();
  write_file(h.repo + "/.pre-commit-config.yaml",
             "repos:\n  - repo: " + hooks + "\n    rev: " + rev +
                 "\n    hooks:\n      - id: catalog-lint\n" + hook_options);
  const std::string bin_dir = fs::path(CATALOG_LINT_BINARY).parent_path().string();
  h.env = "PATH='" + bin_dir + "':\"$PATH\" PRE_COMMIT_HOME='" + h.root + "/cache' ";
  REQUIRE(sh(h.repo, "git init -q && " + h.env + "pre-commit install").first == 0);
  return h;
}

}  // namespace

TEST_CASE("pre-commit: the hook refuses a bad catalog file and accepts a good one") {
  if (!have("pre-commit") || !have("git")) {
    skip("pre-commit (Debian package pre-commit) or git is not installed");
    return;
  }
  const HookRepo h = hook_repo();
  const std::string& repo = h.repo;
  const std::string& env = h.env;
  const std::string& git = h.git;

  write_file(repo + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n"
             "  tags: [Java]\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n");
  write_file(repo + "/README.md", "not a catalog file\n");
  sh(repo, "git add .pre-commit-config.yaml catalog-info.yaml README.md");
  auto [bad_code, bad_out] = sh(repo, env + git + "commit -qm bad");
  CHECK(bad_code != 0);
  CHECK(bad_out.find("catalog-info.yaml:5:10: error: tag 'Java' is not valid") !=
        std::string::npos);
  CHECK(bad_out.find("[invalid-tag]") != std::string::npos);
  CHECK(sh(repo, "git rev-parse -q --verify HEAD").first != 0);  // nothing was committed

  write_file(repo + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n"
             "  tags: [java]\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n");
  sh(repo, "git add catalog-info.yaml");
  auto [good_code, good_out] = sh(repo, env + git + "commit -qm good");
  CHECK_MESSAGE(good_code == 0, good_out);
  CHECK(good_out.find("catalog-lint (Backstage catalog files)") != std::string::npos);
  CHECK(sh(repo, "git rev-parse -q --verify HEAD").first == 0);
}

TEST_CASE(
    "pre-commit: with the org catalog in the config, a change to one service is committed and "
    "only the planted dangling reference is shown") {
  if (!have("pre-commit") || !have("git")) {
    skip("pre-commit (Debian package pre-commit) or git is not installed");
    return;
  }
  // The README's hook snippet, no `args:`; verbose so that a passing hook shows its output.
  const HookRepo h = hook_repo("        verbose: true\n");
  REQUIRE(sh(h.repo, "cp -r '" + source_dir() + "/testdata/org-catalog/.' .").first == 0);
  REQUIRE(sh(h.repo, "git add . && " + h.env + h.git + "commit -qm org").first == 0);
  // Only a description changes; the hook gets just the staged file.
  const std::string file = h.repo + "/services/payments/catalog-info.yaml";
  std::string text = read_file(file);
  text.replace(text.find("Takes payments"), 14, "Takes and refunds payments");
  write_file(file, text);
  sh(h.repo, "git add services/payments/catalog-info.yaml");
  auto [code, out] = sh(h.repo, h.env + h.git + "commit -qm description");
  CHECK_MESSAGE(code == 0, out);
  CHECK(out.find("services/payments/catalog-info.yaml:17:18: warning: consumesApis "
                 "'search-apii' (api:default/search-apii) names no entity in the linted files "
                 "or the org catalog [unresolved-reference]") != std::string::npos);
  CHECK(out.find("did you mean 'api:default/search-api'?") != std::string::npos);
  CHECK(out.find("unknown-owner") == std::string::npos);
  CHECK(out.find("missing-escalation-contact") == std::string::npos);
  CHECK(out.find("0 errors, 1 warning in 1 of 1 file") != std::string::npos);
  auto [log_code, log] = sh(h.repo, "git log --format=%s -1");
  CHECK(log == "description\n");
}

TEST_CASE(
    "pre-commit: staged YAML files that are no entities (a workflow catalog-lint.yml, a step "
    "fragment, a Kubernetes manifest) pass the hook, also with files: \\.ya?ml$") {
  if (!have("pre-commit") || !have("git")) {
    skip("pre-commit (Debian package pre-commit) or git is not installed");
    return;
  }
  // The README's widened `files:`, and verbose so that the passing hook shows its note.
  const HookRepo h = hook_repo("        files: \\.ya?ml$\n        verbose: true\n");
  write_file(h.repo + "/.github/workflows/catalog-lint.yml",
             "name: catalog\non: [pull_request]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n");
  write_file(h.repo + "/tmpl/catalog-register.yaml",
             "- id: register\n  action: catalog:register\n");
  write_file(h.repo + "/deploy/k8s.yaml",
             "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payments\n");
  REQUIRE(sh(h.repo, "git add .").first == 0);
  auto [code, out] = sh(h.repo, h.env + h.git + "commit -qm ci");
  CHECK_MESSAGE(code == 0, out);
  // .pre-commit-config.yaml itself is staged too: four files, none linted.
  CHECK(out.find("catalog-lint: note: 4 files declare no Backstage apiVersion or kind, not "
                 "linted (--skip-non-entities)") != std::string::npos);
  CHECK(sh(h.repo, "git rev-parse -q --verify HEAD").first == 0);
  // An entity file among them is still linted, and its fault refuses the commit.
  write_file(h.repo + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n"
             "  tags: [Java]\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n");
  write_file(h.repo + "/deploy/k8s.yaml",
             "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\n");
  REQUIRE(sh(h.repo, "git add .").first == 0);
  auto [bad_code, bad_out] = sh(h.repo, h.env + h.git + "commit -qm bad");
  CHECK(bad_code != 0);
  CHECK(bad_out.find("catalog-info.yaml:5:10: error: tag 'Java' is not valid") !=
        std::string::npos);
  CHECK(bad_out.find("catalog-lint: note: 'deploy/k8s.yaml' declares no Backstage apiVersion "
                     "or kind, not linted (--skip-non-entities)") != std::string::npos);
}
