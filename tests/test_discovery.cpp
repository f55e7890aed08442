// Discovery and the configuration lookup that uses what the walk saw (ListedDirs), and the
// streaming helper-process runner that feeds `git check-ignore` during the walk.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/discover.h"
#include "core/process.h"
#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

std::string tagged_component(const std::string& name) {
  return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name +
         "\n  tags: [Java]\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
}

std::string fmt_args(const std::vector<std::string>& args) {
  std::string out = "catalog-lint";
  for (const std::string& a : args) out += " " + a;
  return out;
}

}  // namespace

TEST_CASE("discovery: a walk finds config files without a stat per directory, in every shape") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/.catalog-lint.yaml", "rules:\n  invalid-tag: warning\n");
  write_file(dir + "/shared/team.yaml", "rules:\n  invalid-tag: note\n");
  // A config that is a symlink to a file elsewhere in the tree.
  write_file(dir + "/linked/catalog-info.yaml", tagged_component("linked"));
  fs::create_symlink("../shared/team.yaml", dir + "/linked/.catalog-lint.yaml");
  // A nested repository (a .git entry): the lookup stops at its root, the root config is unused.
  write_file(dir + "/vendored/.git/HEAD", "ref: refs/heads/main\n");
  write_file(dir + "/vendored/svc/catalog-info.yaml", tagged_component("vendored"));
  // A directory the walk skips (node_modules) but that is named on the command line: its own
  // config must still be found (the walk never listed it).
  write_file(dir + "/node_modules/pkg/catalog-info.yaml", tagged_component("pkg"));
  write_file(dir + "/node_modules/pkg/.catalog-lint.yaml", "rules:\n  invalid-tag: note\n");
  // A deep file whose nearest config is the root one, several unlisted levels up.
  write_file(dir + "/a/b/c/d/catalog-info.yaml", tagged_component("deep"));

  const CliRun r = run_cli({"--format", "json", ".", "node_modules/pkg/catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);  // the vendored file keeps invalid-tag at its default, error
  CHECK(severities_of(r, "invalid-tag") ==
        std::vector<std::string>{"a/b/c/d/catalog-info.yaml warning",
                                 "linked/catalog-info.yaml note",
                                 "node_modules/pkg/catalog-info.yaml note",
                                 "vendored/svc/catalog-info.yaml error", "files=4"});

  // Named files alone (no walk) resolve the same way.
  const CliRun named = run_cli({"--format", "json", "a/b/c/d/catalog-info.yaml",
                                "linked/catalog-info.yaml", "vendored/svc/catalog-info.yaml"},
                               dir);
  CHECK(severities_of(named, "invalid-tag") ==
        std::vector<std::string>{"a/b/c/d/catalog-info.yaml warning",
                                 "linked/catalog-info.yaml note",
                                 "vendored/svc/catalog-info.yaml error", "files=3"});

  // A config that is a directory is an error whether the walk or a stat finds it.
  fs::create_directory(dir + "/a/b/.catalog-lint.yaml");
  const CliRun bad = run_cli({"."}, dir);
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.find("a/b/.catalog-lint.yaml:1:1: error: the config is a directory; a config must "
                     "be a file") != std::string::npos);
}

TEST_CASE("discovery: `link/..` and aliases: configs found, each physical file linted once") {
  // The lookup resolves `link/../x` lexically (to `x`); the walk lists the directory above the
  // link's target. What that walk saw must not stand for `x`, whatever the argument order.
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "/proj'").c_str()) == 0);
  write_file(dir + "/proj/x/catalog-info.yaml", tagged_component("here"));
  write_file(dir + "/proj/x/.catalog-lint.yaml", "rules:\n  invalid-tag: off\n");
  write_file(dir + "/elsewhere/x/catalog-info.yaml", tagged_component("there"));
  fs::create_directories(dir + "/elsewhere/deep");
  fs::create_directory_symlink(dir + "/elsewhere/deep", dir + "/proj/link");
  fs::create_directory_symlink(dir + "/proj/x", dir + "/proj/alias");
  const std::string proj = dir + "/proj";
  // Arguments → files linted. `link/../x` is elsewhere/x: another file than x's. A file reached
  // twice (named and walked, through `./`, or through a symlinked root) is linted once.
  const std::vector<std::pair<std::vector<std::string>, int>> runs = {
      {{"x"}, 1},
      {{"link/../x", "x"}, 2},
      {{"x", "link/../x"}, 2},
      {{"link/../x"}, 1},
      {{"x", "x/catalog-info.yaml", "./x", "alias"}, 1},
      {{"x/catalog-info.yaml", "x"}, 1},
  };
  for (const auto& [args, files] : runs) {
    std::vector<std::string> argv = {"--format", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    const CliRun r = run_cli(argv, proj);
    INFO(fmt_args(args), "\n", r.err);
    CHECK(r.exit_code == 0);
    // Every linted file's lookup starts at proj/x (as written), whose config turns the rule off.
    CHECK(severities_of(r, "invalid-tag") ==
          std::vector<std::string>{"files=" + std::to_string(files)});
  }
}

TEST_CASE("discovery: git check-ignore is fed during the walk, whatever the number of paths") {
  // Over 64 KiB of paths in and of ignored paths out: both pipes fill, so a runner that wrote
  // everything before reading would deadlock (run_cli kills a run after 120 s).
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/.gitignore", "generated/\n");
  const std::string long_name(120, 'x');
  for (int i = 0; i < 1200; ++i)
    write_file(dir + "/generated/" + std::to_string(i) + long_name + "/catalog-info.yaml",
               "kind: [\n");
  write_file(dir + "/kept/catalog-info.yaml", tagged_component("kept"));
  const CliRun r = run_cli({"--format", "json", "."}, dir);
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(severities_of(r, "invalid-tag") ==
        std::vector<std::string>{"kept/catalog-info.yaml error", "files=1"});
}

TEST_CASE("process: Command streams input and output without deadlock") {
  // 1 MiB through `cat` in uneven pieces: both pipes fill many times over.
  std::string expected;
  {
    Command cat({"cat"});
    for (int i = 0; i < 1024; ++i) {
      const std::string piece(1000 + i % 48, static_cast<char>('a' + i % 26));
      cat.write(piece);
      expected += piece;
    }
    const CommandResult r = cat.finish();
    CHECK(r.exit_code == 0);
    CHECK(r.output.size() == expected.size());
    CHECK(r.output == expected);
  }
  // A command that exits without reading its input: writing stops, no SIGPIPE death, no hang.
  // (main ignores SIGPIPE; the test runner does too for this check.)
  std::signal(SIGPIPE, SIG_IGN);
  const CommandResult early = run_command({"sh", "-c", "exit 3"}, std::string(1 << 20, 'x'));
  CHECK(early.exit_code == 3);
  // A program that is not there: the child's exec fails with 127; nothing is thrown.
  const CommandResult missing = run_command({"catalog-lint-no-such-program"}, "x");
  CHECK(missing.exit_code == 127);
  CHECK(missing.output.empty());
  // Empty argv: not run at all.
  CHECK(run_command({}).exit_code == -1);
  // Output only, no input.
  CHECK(run_command({"printf", "a\\0b"}).output == std::string("a\0b", 3));
  // `git -z` output: entries split at NUL, empty ones left out, a missing final NUL tolerated.
  CHECK(split_nul(std::string("a\0\0b c\0", 6)) == std::vector<std::string>{"a", "b c"});
  CHECK(split_nul(std::string("x\0y", 3)) == std::vector<std::string>{"x", "y"});
  CHECK(split_nul("").empty());
}

TEST_CASE("discovery: named files are linted as named, whatever an earlier walk filtered") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/.gitignore", "ign/\n");
  write_file(dir + "/ign/catalog-info.yaml", tagged_component("ignored"));
  write_file(dir + "/kept/catalog-info.yaml", tagged_component("kept"));
  write_file(dir + "/sub/.catalog-lint.yaml", "include: ['deep/**']\n");
  write_file(dir + "/sub/deep/catalog-info.yaml", tagged_component("deep"));
  write_file(dir + "/sub/gen/catalog-info.yaml", tagged_component("gen"));
  auto files = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"--format", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    const CliRun r = run_cli(argv, dir);
    INFO(fmt_args(args), "\n", r.err);
    CHECK(r.exit_code == 1);
    std::set<std::string> out;
    const auto j = nlohmann::json::parse(r.out);
    for (const auto& d : j["diagnostics"]) out.insert(d["file"].get<std::string>());
    return out;
  };
  // The walk leaves out what git ignores and what include/exclude leave out; a file named on
  // the command line is linted anyway, before or after the walk that skipped it.
  const std::set<std::string> walked = {"kept/catalog-info.yaml", "sub/deep/catalog-info.yaml"};
  CHECK(files({"."}) == walked);
  std::set<std::string> with_ignored = walked;
  with_ignored.insert("ign/catalog-info.yaml");
  CHECK(files({".", "ign/catalog-info.yaml"}) == with_ignored);
  CHECK(files({"ign/catalog-info.yaml", "."}) == with_ignored);
  CHECK(files({"sub", "sub/gen/catalog-info.yaml"}) ==
        std::set<std::string>{"sub/deep/catalog-info.yaml", "sub/gen/catalog-info.yaml"});
  CHECK(files({"sub/gen/catalog-info.yaml", "sub"}) ==
        std::set<std::string>{"sub/deep/catalog-info.yaml", "sub/gen/catalog-info.yaml"});
  // `.//` is `.`: paths stay relative (they once became "/kept/...", another file or none).
  CHECK(files({".//"}) == walked);
  CHECK(files({"./"}) == walked);
}

TEST_CASE("discovery: a config symlink that points nowhere is an error, not no config") {
  const std::string dir = temp_dir();
  REQUIRE(std::system(("git init -q '" + dir + "'").c_str()) == 0);
  write_file(dir + "/a/catalog-info.yaml", tagged_component("a"));
  fs::create_symlink("missing.yaml", dir + "/a/.catalog-lint.yaml");
  for (const std::string arg : {".", "a/catalog-info.yaml"}) {
    const CliRun r = run_cli({arg}, dir);
    INFO(arg);
    CHECK(r.exit_code == 2);
    // The broken config is a finding too, and the file it governs is not linted.
    CHECK(r.out.find("a/.catalog-lint.yaml:1:1: error: the config is a symbolic link that leads to "
                     "no file") != std::string::npos);
    CHECK(r.out.find("a/catalog-info.yaml:1:1: error: file not linted: its config "
                     "'a/.catalog-lint.yaml' is invalid") != std::string::npos);
    CHECK(r.err == "");  // said once, in the report
  }
}

TEST_CASE(
    "discovery: a walked catalog-*.yaml that declares no Backstage apiVersion or kind is "
    "not an entity file") {
  const std::string dir = temp_dir();
  // The workflow of docs/ci.md, under the name it gives, and a scaffolder step fragment.
  const std::string ci = read_file(source_dir() + "/docs/ci.md");
  const std::string marker = "`.github/workflows/catalog-lint.yml`:\n\n```yaml\n";
  const std::size_t at = ci.find(marker);
  REQUIRE(at != std::string::npos);
  const std::size_t from = at + marker.size();
  write_file(dir + "/.github/workflows/catalog-lint.yml",
             ci.substr(from, ci.find("```", from) - from));
  write_file(dir + "/template/catalog-register.yaml",
             "id: register\nname: Register\naction: catalog:register\ninput:\n"
             "  repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}\n");
  // Taken: catalog-info.yaml whatever it holds, and catalog-* files with a Backstage kind or
  // apiVersion (their faults are findings).
  write_file(dir + "/a/catalog-info.yaml", "name: not-an-entity\n");
  write_file(dir + "/b/catalog-payments.yaml",
             "kind: Component\nmetadata:\n  name: payments\nspec:\n  type: service\n"
             "  lifecycle: production\n  owner: team-a\n");
  write_file(dir + "/c/catalog-billing.yml", tagged_component("billing"));
  const CliRun r = run_cli({"--format", "json", "."}, dir);
  CHECK(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> got;
  for (const auto& d : j["diagnostics"])
    got.push_back(
        fmt_args({d["file"].get<std::string>(), d["rule"].get<std::string>(),
                  std::to_string(d["line"].get<int>()), std::to_string(d["column"].get<int>())}));
  CHECK(got == std::vector<std::string>{"catalog-lint a/catalog-info.yaml missing-field 1 1",
                                        "catalog-lint a/catalog-info.yaml missing-field 1 1",
                                        "catalog-lint a/catalog-info.yaml missing-field 1 1",
                                        "catalog-lint a/catalog-info.yaml unknown-root-field 1 1",
                                        "catalog-lint b/catalog-payments.yaml missing-field 1 1",
                                        "catalog-lint c/catalog-billing.yml invalid-tag 5 10"});
  CHECK(j["summary"]["files"] == 3);
  // Named on the command line, a file is linted as given, whatever its name and content.
  const CliRun named = run_cli({"--format", "json", "template/catalog-register.yaml"}, dir);
  CHECK(nlohmann::json::parse(named.out)["summary"]["files"] == 1);
}

TEST_CASE("discovery: a walked file that starts with a byte order mark is sniffed after it") {
  // An attack: a BOM before `apiVersion:` made the walk skip the file without a word.
  const std::string bom = "\xEF\xBB\xBF";
  CHECK(catalog_lint::sniff_backstage(bom + "apiVersion: backstage.io/v1alpha1\nkind: Group\n"));
  CHECK(catalog_lint::sniff_backstage_kind(bom + "kind: Component\n"));
  CHECK(catalog_lint::declares_template(bom + "kind: Template\n"));
  CHECK_FALSE(catalog_lint::sniff_backstage(bom + "apiVersion: v1\nkind: ConfigMap\n"));
  const std::string dir = git_repo();
  write_file(dir + "/svc.yaml", bom +
                                    "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
                                    "metadata:\n  name: a\n");
  const CliRun r = run_cli({"--format", "json", "."}, dir);
  CHECK(nlohmann::json::parse(r.out)["summary"]["files"] == 1);
}

TEST_CASE("discovery: the apiVersion sniff reads top-level keys, as YAML writes them") {
  using catalog_lint::sniff_backstage;
  // Inside a block scalar or a nested mapping (a ConfigMap embedding a catalog file): no entity.
  CHECK_FALSE(
      sniff_backstage("apiVersion: v1\nkind: ConfigMap\ndata:\n  catalog-info.yaml: |\n"
                      "    apiVersion: backstage.io/v1alpha1\n    kind: Component\n"));
  CHECK_FALSE(sniff_backstage("x: |\n  apiVersion: backstage.io/v1alpha1\n"));
  // Flow style, a tag, an anchor, the value on the next line, a list root: entities.
  CHECK(sniff_backstage("{apiVersion: backstage.io/v1alpha1, kind: Component}\n"));
  CHECK(sniff_backstage("{kind: Component, \"apiVersion\": \"backstage.io/v1alpha1\"}\n"));
  CHECK(sniff_backstage("apiVersion: !!str backstage.io/v1alpha1\n"));
  CHECK(sniff_backstage("apiVersion: &v backstage.io/v1alpha1\n"));
  CHECK(sniff_backstage("apiVersion:\n  backstage.io/v1alpha1\n"));
  CHECK(sniff_backstage("- apiVersion: backstage.io/v1alpha1\n"));
  CHECK(sniff_backstage("apiVersion: scaffolder.backstage.io/v1beta3\n"));
  // A Backstage kind under another API group is that API's (OpenShift's Group, Dapr's
  // Component); a near miss of backstage.io or no group at all is Backstage's, to report.
  using catalog_lint::walk_takes;
  CHECK_FALSE(walk_takes("catalog-groups.yaml", "apiVersion: user.openshift.io/v1\nkind: Group\n"));
  CHECK_FALSE(walk_takes("catalog-dapr.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Component\n"));
  CHECK(walk_takes("catalog-x.yaml", "apiVersion: backstge.io/v1alpha1\nkind: Component\n"));
  CHECK(walk_takes("catalog-x.yaml", "apiVersion: v1alpha1\nkind: Component\n"));
  CHECK(walk_takes("catalog-x.yaml", "kind: Component\n"));
  CHECK_FALSE(walk_takes("catalog-x.yaml", "apiVersion: apps/v1\nkind: Deployment\n"));
  const std::string dir = git_repo();
  write_file(dir + "/k8s/catalog-groups.yaml",
             "apiVersion: user.openshift.io/v1\nkind: Group\nmetadata:\n  name: g\nusers: [a]\n");
  write_file(dir + "/svc.yaml",
             "{apiVersion: backstage.io/v1alpha1, kind: Component, metadata: {name: a}, spec: "
             "{type: service, lifecycle: production, owner: team-a}}\n");
  const CliRun r = run_cli({"--format", "json", "."}, dir);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["summary"]["files"] == 1);
  const CliRun hook =
      run_cli({"--skip-non-entities", "--format", "json", "k8s/catalog-groups.yaml"}, dir);
  CHECK(hook.exit_code == 0);
  CHECK(nlohmann::json::parse(hook.out)["summary"]["files"] == 0);
}
