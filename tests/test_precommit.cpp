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

// Runs `command` through the shell in `dir`; returns exit status and combined output.
std::pair<int, std::string> sh(const std::string& dir, const std::string& command) {
  const std::string out = dir + "/.sh-output";
  const std::string full = "cd '" + dir + "' && (" + command + ") > '" + out + "' 2>&1";
  const int status = std::system(full.c_str());
  std::string text = read_file(out);
  fs::remove(out);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

bool have(const char* program) {
  return std::system(("command -v " + std::string(program) + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace

TEST_CASE("pre-commit: the hook refuses a bad catalog file and accepts a good one") {
  if (!have("pre-commit") || !have("git")) {
    skip("pre-commit (Debian package pre-commit) or git is not installed");
    return;
  }
  const std::string root = temp_dir();
  const std::string hooks = root + "/hooks", repo = root + "/service";
  const std::string git = "git -c user.email=t@example.com -c user.name=test ";
  // A repository holding our hook definition, as users reference it.
  write_file(hooks + "/.pre-commit-hooks.yaml",
             read_file(source_dir() + "/.pre-commit-hooks.yaml"));
  REQUIRE(sh(hooks, "git init -q && git add . && " + git + "commit -qm hooks").first == 0);
  const std::string rev = [&] {
    auto [code, out] = sh(hooks, "git rev-parse HEAD");
    REQUIRE(code == 0);
    return out.substr(0, out.find('\n'));
  }();
  write_file(repo + "/.pre-commit-config.yaml", "repos:\n  - repo: " + hooks + "\n    rev: " + rev +
                                                    "\n    hooks:\n      - id: catalog-lint\n");
  const std::string bin_dir = fs::path(CATALOG_LINT_BINARY).parent_path().string();
  const std::string env = "PATH='" + bin_dir + "':\"$PATH\" PRE_COMMIT_HOME='" + root + "/cache' ";
  REQUIRE(sh(repo, "git init -q && " + env + "pre-commit install").first == 0);

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
