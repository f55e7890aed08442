// Regressions for what the attacks on issue 11's work found. The second: a report written over
// an extended config, findings that grow a report without bound, baselines hiding
// invalid-config, and a Location boundary outside any repository that depended on the working
// directory. The third ("attack 3"): unchecked --version/--help output, a --catalog FIFO, silent
// repository-root fallbacks and one deadline per directory with a hanging git, bidirectional
// controls in text output, a limit-exceeded finding that could be switched off or suppressed,
// `--today ""`, the child deadline's range, symbolic-link loops in configs, and Location targets
// leaving the repository through a symbolic link.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/process.h"
#include "report/report.h"
#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

const std::string kTimeoutVar = "CATALOG_LINT_CHILD_TIMEOUT_MS";

// A directory holding an executable `git` with this shell body.
std::string fake_git(const std::string& body) {
  const std::string dir = temp_dir();
  write_file(dir + "/git", "#!/bin/sh\n" + body + "\n");
  fs::permissions(dir + "/git", fs::perms::owner_all);
  return dir;
}

// "rule severity line:col message" of each finding in a --format json run.
std::vector<std::string> findings(const CliRun& r) {
  std::vector<std::string> out;
  const nlohmann::json report = nlohmann::json::parse(r.out);
  for (const auto& d : report["diagnostics"])
    out.push_back(fmt::format("{} {} {}:{} {}", d["rule"].get<std::string>(),
                              d["severity"].get<std::string>(), d["line"].get<int>(),
                              d["column"].get<int>(), d["message"].get<std::string>()));
  return out;
}

const std::string kEntity =
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: s\n  tags: [Java]\n"
    "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";

}  // namespace

TEST_CASE("attack: no output overwrites a file the configuration extends") {
  const std::string dir = git_repo();
  write_file(dir + "/svc/catalog-info.yaml", kEntity);
  write_file(dir + "/.catalog-lint.yaml", "extends: [default, ./base.yaml]\n");
  write_file(dir + "/base.yaml", "rules: {}\n");
  write_file(dir + "/cfg.yaml", "extends: [default, ./base.yaml]\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--format", "json", "-o", "base.yaml", "svc"},
        std::vector<std::string>{"--config", "cfg.yaml", "--format", "json=base.yaml", "svc"},
        std::vector<std::string>{"--write-baseline", "base.yaml", "svc"}}) {
    CAPTURE(args.back());
    const CliRun r = run_cli(args, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("refusing to write") != std::string::npos);
    CHECK(read_file(dir + "/base.yaml") == "rules: {}\n");
  }
}

TEST_CASE("attack: a baseline never records or hides invalid-config findings") {
  const std::string dir = git_repo();
  write_file(dir + "/svc/catalog-info.yaml", kEntity);
  write_file(dir + "/svc/.catalog-lint.yaml", "rules: {bogus: [\n");
  const CliRun write = run_cli({"--write-baseline", "b.json", "svc"}, dir);
  CHECK(write.exit_code == 2);
  const auto baseline = nlohmann::json::parse(read_file(dir + "/b.json"));
  CHECK(baseline["findings"].empty());
  const CliRun r = run_cli({"--baseline", "b.json", "--format", "json", "svc"}, dir);
  CHECK(r.exit_code == 2);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["summary"]["suppressed"] == 0);
  CHECK(j["summary"]["errors"] == 2);
}

TEST_CASE(
    "attack: outside any repository a Location's targets stay in its own directory, "
    "from any working directory") {
  const std::string base = temp_dir();  // no repository above it
  write_file(base + "/svc/catalog-info.yaml", kEntity);
  write_file(base + "/loc/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\n"
             "spec:\n  targets: [../svc/catalog-info.yaml]\n");
  const std::string other = git_repo();
  std::vector<std::string> seen;
  for (const std::string& cwd : {base, base + "/loc", std::string("/"), other}) {
    const CliRun r = run_cli({"--format", "json", base + "/loc/catalog-info.yaml"}, cwd);
    CHECK(r.exit_code == 0);  // a warning
    const auto j = nlohmann::json::parse(r.out);
    std::string rules;
    for (const auto& d : j["diagnostics"]) rules += d["rule"].get<std::string>() + " ";
    seen.push_back(rules + std::to_string(j["summary"]["files"].get<int>()));
  }
  CHECK(seen == std::vector<std::string>(4, "location-target-outside-repository 1"));
}

// ---- attack 3 ----

TEST_CASE("attack 3: --version, --help and the subcommands exit 2 when stdout cannot be written") {
  const std::string dir = temp_dir();
  std::string full = dir + "/full";
  // A full device of our own (needs root); else /dev/full, only opened for writing by this test.
  if (::mknod(full.c_str(), S_IFCHR | 0666, makedev(1, 7)) != 0) full = "/dev/full";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--version"}, std::vector<std::string>{"--help"},
        std::vector<std::string>{"explain", "--help"}, std::vector<std::string>{"rules"},
        std::vector<std::string>{"explain", "limit-exceeded"}}) {
    CAPTURE(args);
    const CliRun r = run_with(args, RunOptions{.cwd = dir, .stdout_path = full});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "catalog-lint: error: cannot write to standard output\n");
    const CliRun closed = run_with(args, RunOptions{.cwd = dir, .stdout_closed = true});
    CHECK(closed.exit_code == 2);
    CHECK(closed.err == "catalog-lint: error: cannot write to standard output\n");
  }
  const CliRun ok = run_with({"--version"}, RunOptions{.cwd = dir});
  CHECK(ok.exit_code == 0);
  CHECK(ok.err == "");
}

TEST_CASE(
    "attack 3: a pipe whose reader stopped reading ends the output silently, exit code kept") {
  const std::string dir = temp_dir();
  write_file(dir + "/bad.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\n");
  write_file(dir + "/tagged.yaml", kEntity);  // one finding: the tag "Java" is not lower case
  // `catalog-lint rules | head -1` and the like: the reader's choice, not a failed run. The
  // exit code is what the run found (1: findings; 0: none).
  const std::vector<std::pair<std::vector<std::string>, int>> runs = {
      {{"--version"}, 0},
      {{"rules"}, 0},
      {{"explain", "limit-exceeded"}, 0},
      {{"bad.yaml"}, 1},
      {{"--format", "sarif", "bad.yaml"}, 1},
      {{"--format", "json", "tagged.yaml"}, 1},
      {{"report", "--format", "json", "tagged.yaml"}, 0},
      {{"--diff", "bad.yaml"}, 0},
  };
  for (const auto& [args, code] : runs) {
    INFO(fmt::format("{}", fmt::join(args, " ")));
    const CliRun r = run_with(args, RunOptions{.cwd = dir, .stdout_broken_pipe = true});
    CHECK(r.exit_code == code);
    CHECK(r.err == "");
  }
}

TEST_CASE("attack 3: --catalog naming a FIFO or a device is a usage error, never opened") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", kEntity);
  REQUIRE(::mkfifo((dir + "/fifo").c_str(), 0600) == 0);
  // /dev/null is only looked at (stat), never opened, by the run.
  for (const std::string& catalog : {std::string("fifo"), std::string("/dev/null")}) {
    CAPTURE(catalog);
    const CliRun r = run_cli({"--catalog", catalog, "catalog-info.yaml"}, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.out == "");
    CHECK(r.err == fmt::format("catalog-lint: error: --catalog '{}': not a folder or a regular "
                               "file (a FIFO, socket or device); give the org catalog's folder\n",
                               catalog));
  }
  const CliRun missing = run_cli({"--catalog", "nope", "catalog-info.yaml"}, dir);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "catalog-lint: error: --catalog 'nope': no such file or directory\n");
}

TEST_CASE(
    "attack 3: a repository-root lookup that times out says so; a hanging git costs one "
    "deadline per run") {
  const std::string dir = temp_dir();
  write_file(dir + "/loc/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\n"
             "spec:\n  targets: [../svc/catalog-info.yaml]\n");
  write_file(dir + "/svc/catalog-info.yaml", kEntity);
  const RunOptions o{
      .cwd = dir, .env = {{kTimeoutVar, "300"}}, .path_prefix = fake_git("exec sleep 1000")};
  // The Location's repository is unknown: its targets must stay in its own directory.
  const CliRun r = run_with({"--format", "json", "loc/catalog-info.yaml"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.err ==
        "catalog-lint: warning: git rev-parse did not finish within 300 ms; Location targets are "
        "read only inside the Location file's own directory\n");
  CHECK(findings(r) ==
        std::vector<std::string>{"location-target-outside-repository warning 6:13 Location target "
                                 "'../svc/catalog-info.yaml' points outside the repository; it "
                                 "is not read"});
  // Four directories, each its own .gitignore query: git is given one deadline, then not asked
  // again, the run goes on, and stderr says it once.
  for (const char* d : {"a", "b", "c", "d"})
    write_file(dir + "/" + d + "/catalog-info.yaml", kEntity);
  const CliRun many = run_with({"a", "b", "c", "d"}, o);
  CHECK(many.exit_code == 1);
  const std::string skipped =
      "catalog-lint: warning: git check-ignore was not run (an earlier git did not finish within "
      "300 ms); .gitignore files were not applied\n";
  CHECK(many.err ==
        "catalog-lint: warning: git check-ignore did not finish within 300 ms; .gitignore files "
        "were not applied\n");
  CHECK(many.err.find(skipped) == std::string::npos);
  // A config that extends another file: the repository boundary is unknown, and said so.
  write_file(dir + "/a/.catalog-lint.yaml", "extends: [default, base.yaml]\n");
  write_file(dir + "/a/base.yaml", "rules: {invalid-tag: warning}\n");
  const CliRun extended = run_with({"a"}, o);
  CHECK(extended.exit_code == 0);
  CHECK(extended.err.find("catalog-lint: warning: git rev-parse was not run (an earlier git did "
                          "not finish within 300 ms); config files may extend and name catalog "
                          "sources only inside the start directory\n") != std::string::npos);
  fs::remove(dir + "/a/.catalog-lint.yaml");
  // The SARIF report's root after an earlier timeout: not asked, and said so.
  const CliRun sarif = run_with({"--format", "sarif", "a"}, o);
  CHECK(sarif.exit_code == 1);
  CHECK(sarif.err ==
        "catalog-lint: warning: git check-ignore did not finish within 300 ms; .gitignore files "
        "were not applied\n"
        "catalog-lint: warning: git rev-parse was not run (an earlier git did not finish within "
        "300 ms); paths are taken relative to the current directory\n");
}

TEST_CASE("attack 3: with skip_after_timeout, a program once killed is not started again") {
  using namespace std::chrono_literals;
  set_skip_after_timeout(true);
  const CommandResult first = run_command({"sh", "-c", "exec sleep 1000"}, "", {100ms});
  CHECK(first.timed_out);
  CHECK_FALSE(first.skipped);
  const CommandResult again = run_command({"sh", "-c", "echo ran"}, "", {100ms});
  CHECK(again.skipped);
  CHECK_FALSE(again.timed_out);
  CHECK(again.exit_code == -1);
  CHECK(again.output == "");
  CHECK(again.killed == "was not run (an earlier sh did not finish within 100 ms)");
  // Another program still runs; one killed at its output limit is skipped later too.
  const CommandResult endless = run_command({"yes"}, "", {600s, 1 << 16});
  CHECK(endless.output_too_big);
  CHECK(run_command({"yes"}).killed == "was not run (an earlier yes wrote more than 65536 bytes)");
  // Turning it off (or on again) forgets them.
  set_skip_after_timeout(false);
  const CommandResult after = run_command({"sh", "-c", "echo ran"});
  CHECK(after.exit_code == 0);
  CHECK(after.output == "ran\n");
}

TEST_CASE("attack 3: bidirectional controls and line separators are shown, not emitted") {
  // U+202E (right-to-left override), U+2066 (left-to-right isolate), U+2028 and U+2029 (line and
  // paragraph separators) in a name that is invalid, so the message quotes it.
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
             "  name: \"a\\u202Eb\\u2066c\\u2028d\\u2029e\"\n"
             "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n");
  const std::string shown = "a<U+202E>b<U+2066>c<U+2028>d<U+2029>e";
  for (const std::string format : {"human", "github", "junit"}) {
    CAPTURE(format);
    const CliRun r = run_cli({"--color", "never", "--format", format, "."}, dir);
    CHECK(r.exit_code == 1);
    for (const char* raw : {"\u202E", "\u2066", "\u2028", "\u2029"})
      CHECK(r.out.find(raw) == std::string::npos);
    CHECK(r.out.find(format == "junit" ? "a&lt;U+202E&gt;b&lt;U+2066&gt;c&lt;U+2028&gt;d&lt;"
                                         "U+2029&gt;e"
                                       : shown) != std::string::npos);
  }
  CHECK(printable("\u061C\u200E\u200F\u202A\u202B\u202C\u202D\u2067\u2068\u2069") ==
        "<U+061C><U+200E><U+200F><U+202A><U+202B><U+202C><U+202D><U+2067><U+2068><U+2069>");
  // Neighbours stay as they are: U+200D (zero-width joiner), U+202F, U+2065, U+206A, U+0610.
  CHECK(printable("\u200D\u202F\u2065\u206A\u0610") == "\u200D\u202F\u2065\u206A\u0610");
  // In a snippet the caret still points at the finding: the widened character before it counts.
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: s\n"
             "  tags: [ok\u202Eok, Java]\n"
             "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n");
  const CliRun snippet = run_cli({"--color", "never", "catalog-info.yaml"}, dir);
  CHECK(snippet.out.find("5 |   tags: [ok<U+202E>ok, Java]\n"
                         "  |                        ^~~~\n") != std::string::npos);
}

TEST_CASE("attack 3: limit-exceeded is always reported: off, suppressions and baselines keep it") {
  const std::string dir = git_repo();
  std::string many = "# catalog-lint-disable-file limit-exceeded -- generated\n";
  for (int i = 0; i < 3; ++i)
    many += fmt::format(
        "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: s{}\n"
        "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
        i);
  write_file(dir + "/catalog-info.yaml", many);
  const std::string limit =
      "limit-exceeded error 20:1 file has more than 2 YAML documents; the rest are not linted";
  const std::string suppression =
      "invalid-suppression warning 1:29 'limit-exceeded' is always reported and cannot be "
      "suppressed";
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--limit", "documents=2", "--format", "json", "catalog-info.yaml"});
    const CliRun r = run_cli(args, dir);
    CHECK(r.exit_code == 1);
    return findings(r);
  };
  const std::vector<std::string> expected = {suppression, limit};
  CHECK(run({}) == expected);
  CHECK(run({"--disable", "limit-exceeded"}) == expected);
  CHECK(run({"--rule", "limit-exceeded=off"}) == expected);
  // (A config turns on the default preset's policy rules too: only these two are compared.)
  write_file(dir + "/.catalog-lint.yaml", "rules: {limit-exceeded: off}\n");
  std::vector<std::string> with_config;
  for (const std::string& f : run({}))
    if (f.starts_with("limit-exceeded ") || f.starts_with("invalid-suppression "))
      with_config.push_back(f);
  CHECK(with_config == expected);
  fs::remove(dir + "/.catalog-lint.yaml");
  // A baseline neither records nor hides it (the invalid-suppression warning is recorded, and
  // then not reported).
  CHECK(run({"--write-baseline", "b.json"}) == std::vector<std::string>{limit});
  const nlohmann::json baseline = nlohmann::json::parse(read_file(dir + "/b.json"));
  REQUIRE(baseline["findings"].size() == 1);
  CHECK(baseline["findings"][0]["rule"] == "invalid-suppression");
  const CliRun r =
      run_cli({"--limit", "documents=2", "--baseline", "b.json", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("error: file has more than 2 YAML documents") != std::string::npos);
  CHECK(r.out.find("1 error, 0 warnings in 1 of 1 file (1 suppressed)\n") != std::string::npos);
}

TEST_CASE("attack 3: --today with an empty value is a usage error") {
  const CliRun r = run_cli({"--today", "", "."}, temp_dir());
  CHECK(r.exit_code == 2);
  CHECK(r.out == "");
  CHECK(r.err == "catalog-lint: error: --today '' is not a date (YYYY-MM-DD)\n");
}

TEST_CASE("attack 3: CATALOG_LINT_CHILD_TIMEOUT_MS takes 1 to 999999999999, leading zeros too") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", kEntity);
  for (const std::string value : {"1", "999999999999", "000000000000999999999999", "0010"}) {
    CAPTURE(value);
    const CliRun r =
        run_with({"catalog-info.yaml"}, RunOptions{.cwd = dir, .env = {{kTimeoutVar, value}}});
    CHECK(r.exit_code == 1);  // linted: the tag finding
    CHECK(r.err == "");
  }
  for (const std::string value :
       {"1000000000000", "0", "000", "99999999999999999999999", "-1", "+5", "1e3", " 5", ""}) {
    CAPTURE(value);
    const CliRun r =
        run_with({"catalog-info.yaml"}, RunOptions{.cwd = dir, .env = {{kTimeoutVar, value}}});
    CHECK(r.exit_code == 2);
    CHECK(r.err == fmt::format("catalog-lint: error: CATALOG_LINT_CHILD_TIMEOUT_MS '{}' is not a "
                               "whole number of milliseconds from 1 to 999999999999\n",
                               value));
  }
  ::setenv(kTimeoutVar.c_str(), "999999999999", 1);
  CHECK(child_timeout_from_env() == std::chrono::milliseconds(kMaxChildTimeoutMs));
  ::setenv(kTimeoutVar.c_str(), "1000000000000", 1);
  CHECK_FALSE(child_timeout_from_env());
  ::unsetenv(kTimeoutVar.c_str());
}

TEST_CASE("attack 3: a symbolic-link loop in a config says so and names the file") {
  const std::string dir = git_repo();
  write_file(dir + "/catalog-info.yaml", kEntity);
  fs::create_symlink("loop2", dir + "/loop1");
  fs::create_symlink("loop1", dir + "/loop2");
  write_file(dir + "/.catalog-lint.yaml", "extends: [default, ./loop1]\n");
  // The human report shows the config error once; other formats get it on stderr too.
  const CliRun r = run_cli({"catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "");
  CHECK(r.out.starts_with(
      ".catalog-lint.yaml:1:20: error: cannot read extended config 'loop1': it is a "
      "symbolic-link loop (a link that leads back to itself) [invalid-config]\n"));
  const CliRun json = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  CHECK(json.exit_code == 2);
  CHECK(json.err ==
        "catalog-lint: .catalog-lint.yaml:1:20: error: cannot read extended config 'loop1': it is "
        "a symbolic-link loop (a link that leads back to itself)\n");
  const CliRun named = run_cli({"--config", "loop2", "catalog-info.yaml"}, dir);
  CHECK(named.exit_code == 2);
  CHECK(named.err ==
        "catalog-lint: loop2: error: cannot read config file: it is a symbolic-link loop (a link "
        "that leads back to itself)\n");
}

TEST_CASE("attack 3: Location targets that leave the repository through a symlink are outside it") {
  const std::string base = temp_dir();
  const std::string repo = base + "/repo";
  REQUIRE(std::system(fmt::format("git init -q '{}'", repo).c_str()) == 0);
  write_file(base + "/outside/x.yaml", kEntity);
  fs::create_symlink("../outside", repo + "/dir-link");
  fs::create_symlink("../outside/x.yaml", repo + "/file-link.yaml");
  write_file(repo + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\nspec:\n"
             "  targets: [./file-link.yaml, dir-link/x.yaml, ./*-link.yaml, dir-link/none.yaml]\n");
  const CliRun r = run_cli({"--format", "json", "catalog-info.yaml"}, repo);
  CHECK(r.exit_code == 0);
  CHECK(findings(r) ==
        std::vector<std::string>{
            "location-target-outside-repository warning 6:13 Location target './file-link.yaml' "
            "leads outside the repository through a symbolic link; it is not read",
            "location-target-outside-repository warning 6:31 Location target 'dir-link/x.yaml' "
            "leads outside the repository through a symbolic link; it is not read",
            "location-target-outside-repository warning 6:48 Location target './*-link.yaml' "
            "matches 'file-link.yaml', which leads outside the repository through a symbolic "
            "link; it is not read",
            "location-target-not-found warning 6:63 Location target 'dir-link/none.yaml' matches "
            "no file"});
  CHECK(nlohmann::json::parse(r.out)["summary"]["files"] == 1);  // x.yaml was not read
}

TEST_CASE("attack 3: a relative GIT_DIR means the same repository to every git the tool runs") {
  // `GIT_DIR=.git catalog-lint …` at the top of a work tree (as some hooks and scripts run it):
  // `git -C loc rev-parse` read .git relative to loc/ and took loc/ as the top, so a Location's
  // target in a sibling folder was "outside the repository".
  const std::string dir = git_repo();
  write_file(dir + "/loc/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\n"
             "spec:\n  targets: [../svc/catalog-info.yaml]\n");
  write_file(dir + "/svc/catalog-info.yaml", kEntity);
  for (const std::vector<std::pair<std::string, std::string>>& env :
       {std::vector<std::pair<std::string, std::string>>{},
        {{"GIT_DIR", ".git"}},
        {{"GIT_DIR", ".git"}, {"GIT_WORK_TREE", "."}}}) {
    CAPTURE(env.size());
    const CliRun r =
        run_with({"--format", "json", "loc/catalog-info.yaml"}, RunOptions{.cwd = dir, .env = env});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "");
    CHECK(findings(r) ==
          std::vector<std::string>{"invalid-tag error 5:10 tag 'Java' is not valid; expected 1-63 "
                                   "characters [a-z0-9:+#] separated by single -"});
  }
}

TEST_CASE("attack 3: a baseline's stale entries are reported up to the findings limit") {
  // A baseline of 26 MB (200,000 stale entries) made a 174 MB SARIF report and 964 MB of memory.
  const std::string dir = git_repo();
  write_file(dir + "/catalog-info.yaml", kEntity);
  nlohmann::json entries = nlohmann::json::array();
  for (int i = 0; i < 5; ++i)
    entries.push_back({{"fingerprint", fmt::format("{:016x}:1", i)},
                       {"rule", "invalid-tag"},
                       {"file", "catalog-info.yaml"},
                       {"entity", ""},
                       {"path", ""},
                       {"message", "m"}});
  write_file(dir + "/b.json", nlohmann::json{{"version", 1}, {"findings", entries}}.dump());
  const std::string stale =
      "stale-baseline-entry note 1:1 baseline entry for invalid-tag in catalog-info.yaml no "
      "longer matches a finding";
  const std::string tag =
      "invalid-tag error 5:10 tag 'Java' is not valid; expected 1-63 characters [a-z0-9:+#] "
      "separated by single -";
  const CliRun r = run_cli(
      {"--baseline", "b.json", "--limit", "findings=3", "--format", "json", "catalog-info.yaml"},
      dir);
  CHECK(r.exit_code == 1);
  CHECK(findings(r) == std::vector<std::string>{"limit-exceeded error 1:1 baseline has more than 3 "
                                                "entries that no longer match a finding; the rest "
                                                "are not reported",
                                                stale, stale, stale, tag});
  const CliRun all =
      run_cli({"--baseline", "b.json", "--format", "json", "catalog-info.yaml"}, dir);
  CHECK(findings(all) == std::vector<std::string>{stale, stale, stale, stale, stale, tag});
}

TEST_CASE("attack 3: init never creates the target of a dangling symlink without --force") {
  // A checked-out `.catalog-lint.yaml -> ../elsewhere/planted` made `init` write outside.
  const std::string base = temp_dir();
  fs::create_directories(base + "/repo");
  fs::create_directories(base + "/elsewhere");
  fs::create_symlink("../elsewhere/planted", base + "/repo/.catalog-lint.yaml");
  const CliRun r = run_cli({"init"}, base + "/repo");
  CHECK(r.exit_code == 2);
  CHECK(r.out == "");
  CHECK(r.err == "catalog-lint: error: .catalog-lint.yaml exists; use --force to overwrite\n");
  CHECK_FALSE(fs::exists(base + "/elsewhere/planted"));
}

TEST_CASE("attack 3: a baseline of a file whose name is not UTF-8 does not grow on each rewrite") {
  // The entry's file was written as JSON (0xFF became U+FFFD) and compared with the raw name:
  // each --write-baseline kept the old entry and added it again, and it was never stale.
  const std::string dir = git_repo();
  write_file(dir + "/catalog-\xff.yaml", kEntity);
  for (int run = 1; run <= 3; ++run) {
    CAPTURE(run);
    const CliRun r = run_cli({"--write-baseline", "b.json", "."}, dir);
    CHECK(r.exit_code == 0);
    const nlohmann::json b = nlohmann::json::parse(read_file(dir + "/b.json"));
    REQUIRE(b["findings"].size() == 1);
    CHECK(b["findings"][0]["file"] == "catalog-\xEF\xBF\xBD.yaml");
  }
  write_file(dir + "/catalog-\xff.yaml", "# fixed\n" + kEntity.substr(0, kEntity.find("  tags")) +
                                             kEntity.substr(kEntity.find("spec:")));
  const CliRun fixed = run_cli({"--baseline", "b.json", "--format", "json", "."}, dir);
  CHECK(fixed.exit_code == 0);
  CHECK(findings(fixed) ==
        std::vector<std::string>{
            "stale-baseline-entry note 1:1 baseline entry for invalid-tag in "
            "catalog-\xEF\xBF\xBD.yaml (component:default/s) no longer matches a finding"});
}

TEST_CASE("attack 3: a linted file that is a symlink out of its repository is never read") {
  // A committed `catalog-env.yaml -> /proc/self/environ` printed the CI runner's environment
  // (tokens included) in the snippet of a finding.
  const std::string dir = git_repo();
  const std::string outside = temp_dir();
  write_file(outside + "/secret.yaml", "token: [hunter2\n");
  fs::create_symlink(outside + "/secret.yaml", dir + "/catalog-secret.yaml");
  write_file(dir + "/svc/real.yaml", kEntity);
  fs::create_symlink("svc/real.yaml", dir + "/catalog-inside.yaml");  // inside: read
  const CliRun r = run_cli({"--format", "json", "catalog-secret.yaml", "catalog-inside.yaml"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("hunter2") == std::string::npos);
  std::error_code ec;
  const std::string target = fs::canonical(outside + "/secret.yaml", ec).string();
  const std::string top = fs::canonical(dir, ec).string();
  CHECK(findings(r) ==
        std::vector<std::string>{
            "invalid-tag error 5:10 tag 'Java' is not valid; expected 1-63 characters "
            "[a-z0-9:+#] separated by single -",
            fmt::format("unreadable-file error 1:1 cannot read file: it is a symbolic link to "
                        "'{}', outside the repository '{}'; files outside the repository are "
                        "never read",
                        target, top)});
  // Found by the walk too.
  const CliRun walked = run_cli({"."}, dir);
  CHECK(walked.exit_code == 2);
  CHECK(walked.out.find("hunter2") == std::string::npos);
  CHECK(walked.out.find("catalog-secret.yaml:1:1: error: cannot read file: it is a symbolic "
                        "link to") != std::string::npos);
}

TEST_CASE("attack 3: no output is written through a symlink out of its repository") {
  // A committed `results.sarif -> ../victim` (or a dangling link to a file to be planted) had
  // `--format sarif -o results.sarif` in CI write the report over a file outside the checkout.
  const std::string dir = git_repo();
  const std::string outside = temp_dir();
  write_file(outside + "/victim", "precious\n");
  write_file(dir + "/catalog-info.yaml", kEntity);
  fs::create_symlink(outside + "/victim", dir + "/results.sarif");
  fs::create_symlink(outside + "/planted", dir + "/baseline.json");
  std::error_code ec;
  const std::string top = fs::canonical(dir, ec).string();
  const CliRun r = run_cli({"--format", "sarif", "-o", "results.sarif", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err == fmt::format("catalog-lint: error: refusing to write results.sarif: it is a "
                             "symbolic link to '{}/victim', outside the repository '{}'; name the "
                             "file itself to write there\n",
                             fs::canonical(outside, ec).string(), top));
  CHECK(read_file(outside + "/victim") == "precious\n");
  const CliRun b = run_cli({"--write-baseline", "baseline.json", "catalog-info.yaml"}, dir);
  CHECK(b.exit_code == 2);
  CHECK(b.err.find("refusing to write baseline.json: it is a symbolic link to") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(outside + "/planted"));
  // A link that stays inside the repository is followed.
  fs::create_symlink("reports/out.json", dir + "/out.json");
  fs::create_directories(dir + "/reports");
  const CliRun in = run_cli({"--format", "json", "-o", "out.json", "catalog-info.yaml"}, dir);
  CHECK(in.exit_code == 1);
  CHECK(nlohmann::json::parse(read_file(dir + "/reports/out.json"))["summary"]["errors"] == 1);
}

TEST_CASE(
    "attack 4: a path through a folder link out of the repository is neither read nor fixed") {
  // `p -> /proc/self` made `catalog-lint p/environ` print the environment in a snippet, and
  // `--fix o/t.yaml` with `o -> ../outside` rewrote a file outside the repository.
  const std::string base = temp_dir();
  const std::string dir = base + "/repo";
  fs::create_directories(dir);
  REQUIRE(sh(dir, "git init -q").first == 0);
  fs::create_directories(base + "/outside");
  const std::string outside = base + "/outside/t.yaml";
  write_file(outside,
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"
             "  description: 4711\nspec:\n  type: service\n  lifecycle: production\n"
             "  owner: team-a\n");
  fs::create_symlink("/proc/self", dir + "/p");
  fs::create_symlink("../outside", dir + "/o");
  const CliRun env = run_cli({"--format", "json", "p/environ"}, dir);
  CHECK(env.exit_code == 2);
  const auto j = nlohmann::json::parse(env.out);
  REQUIRE(j["diagnostics"].size() == 1);
  CHECK(j["diagnostics"][0]["rule"] == "unreadable-file");
  CHECK(j["diagnostics"][0]["message"].get<std::string>().ends_with(
      fmt::format("outside the repository '{}'; files outside the repository are never read",
                  fs::canonical(dir).string())));
  CHECK(j["diagnostics"][0]["help"] ==
        "lint the file where it lives, or replace the link with a copy of it");
  const std::string before = read_file(outside);
  const CliRun fix = run_cli({"--fix", "o/t.yaml"}, dir);
  CHECK(fix.exit_code == 2);
  CHECK(read_file(outside) == before);
  // A folder link inside the repository is followed as before.
  fs::create_directories(dir + "/real");
  write_file(dir + "/real/catalog-info.yaml", kEntity);
  fs::create_symlink("real", dir + "/inside");
  const CliRun direct = run_cli({"--format", "json", "real/catalog-info.yaml"}, dir);
  const CliRun linked = run_cli({"--format", "json", "inside/catalog-info.yaml"}, dir);
  CHECK(linked.exit_code == direct.exit_code);
  CHECK(linked.exit_code != 2);
  CHECK(nlohmann::json::parse(linked.out)["summary"] ==
        nlohmann::json::parse(direct.out)["summary"]);
}

TEST_CASE("attack 4: no output is written over a file a $text/$json/$yaml placeholder reads") {
  // `--format sarif -o data.json` replaced the JSON a `$json: ./data.json` placeholder names.
  const std::string dir = git_repo();
  write_file(
      dir + "/svc/catalog-info.yaml",
      kEntity +
          "  extra:\n    a:\n      $json: ./data.json\n    b:\n      $text: /docs/api.yaml\n");
  write_file(dir + "/svc/data.json", "{\"precious\": true}\n");
  write_file(dir + "/docs/api.yaml", "openapi: 3.0.0\n");
  std::error_code ec;
  const std::string top = fs::canonical(dir, ec).string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> runs = {
      {{"--format", "sarif", "-o", "svc/data.json", "."}, "svc/data.json"},
      {{"--format", "json=docs/api.yaml", "svc"}, "docs/api.yaml"},
      {{"--write-baseline", "svc/./data.json", "svc/catalog-info.yaml"}, "svc/./data.json"},
      {{"report", "--format", "json", "-o", "docs/api.yaml", "."}, "docs/api.yaml"},
  };
  for (const auto& [args, out] : runs) {
    INFO(fmt::format("{}", fmt::join(args, " ")));
    const CliRun r = run_cli(args, dir);
    CHECK(r.exit_code == 2);
    const std::string target = out.find("data.json") != std::string::npos ? top + "/svc/data.json"
                                                                          : top + "/docs/api.yaml";
    CHECK(r.err == fmt::format("catalog-lint: error: refusing to write '{}': it is the file a "
                               "$text/$json/$yaml placeholder reads '{}'\n",
                               out, target));
  }
  CHECK(read_file(dir + "/svc/data.json") == "{\"precious\": true}\n");
  CHECK(read_file(dir + "/docs/api.yaml") == "openapi: 3.0.0\n");
  // Another file is written as before.
  CHECK(run_cli({"--format", "sarif", "-o", "out.sarif", "."}, dir).exit_code == 1);
  CHECK(fs::exists(dir + "/out.sarif"));
}

TEST_CASE("attack 4: a --format FILE that is standard output is standard output") {
  const std::string dir = git_repo();
  write_file(dir + "/catalog-info.yaml", kEntity);
  // json=/dev/stdout: the JSON alone (the human report went ahead of it in the same stream).
  for (const std::string file : {"/dev/stdout", "/proc/self/fd/1"}) {
    CAPTURE(file);
    const CliRun r = run_cli({"--format", "json=" + file, "."}, dir);
    CHECK(r.exit_code == 1);
    CHECK(r.err == "");
    CHECK(nlohmann::json::parse(r.out)["summary"]["errors"] == 1);
  }
  // Two formats on it are two on standard output.
  const CliRun two = run_cli({"--format", "json=/dev/stdout", "--format", "sarif", "."}, dir);
  CHECK(two.exit_code == 2);
  CHECK(two.err ==
        "catalog-lint: error: only one format can go to standard output; give the others a file "
        "(--output FILE or --format FORMAT=FILE)\n");
  // A reader that stops reading it: the run's exit code, no message.
  const CliRun pipe = run_with({"--format", "json=/dev/stdout", "."},
                               RunOptions{.cwd = dir, .stdout_broken_pipe = true});
  CHECK(pipe.exit_code == 1);
  CHECK(pipe.err == "");
  // Standard output redirected into a linted file (`>> catalog-info.yaml`): refused, untouched.
  const CliRun into = run_with({"--format", "json", "catalog-info.yaml"},
                               RunOptions{.cwd = dir, .stdout_path = dir + "/catalog-info.yaml"});
  CHECK(into.exit_code == 2);
  CHECK(into.err ==
        "catalog-lint: error: refusing to write '/dev/stdout': it is the linted file "
        "'catalog-info.yaml'\n");
  CHECK(read_file(dir + "/catalog-info.yaml") == kEntity);
  // Into the file a placeholder reads (with or without --stdin), or into a snapshot's input.
  const std::string api =
      "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: a\nspec:\n"
      "  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n"
      "    $text: ./openapi.yaml\n";
  write_file(dir + "/api/catalog-info.yaml", api);
  write_file(dir + "/api/openapi.yaml", "openapi: 3.0.0\n");
  const std::string refused =
      "catalog-lint: error: refusing to write '/dev/stdout': it is the file a $text/$json/$yaml "
      "placeholder reads '" +
      fs::weakly_canonical(dir + "/api/openapi.yaml").string() + "'\n";
  const CliRun text = run_with({"api/catalog-info.yaml"},
                               RunOptions{.cwd = dir, .stdout_path = dir + "/api/openapi.yaml"});
  CHECK(text.exit_code == 2);
  CHECK(text.err == refused);
  const CliRun piped = run_with({"--stdin", "--stdin-filename", "api/catalog-info.yaml"},
                                RunOptions{.cwd = dir,
                                           .stdin_path = dir + "/api/catalog-info.yaml",
                                           .stdout_path = dir + "/api/openapi.yaml"});
  CHECK(piped.exit_code == 2);
  CHECK(piped.err == refused);
  CHECK(read_file(dir + "/api/openapi.yaml") == "openapi: 3.0.0\n");
  const CliRun snap =
      run_with({"snapshot", "api/catalog-info.yaml"},
               RunOptions{.cwd = dir, .stdout_path = dir + "/api/catalog-info.yaml"});
  CHECK(snap.exit_code == 2);
  CHECK(snap.err ==
        "catalog-lint: error: refusing to write standard output: it is the input file "
        "'api/catalog-info.yaml'\n");
  CHECK(read_file(dir + "/api/catalog-info.yaml") == api);
}
