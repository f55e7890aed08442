// Reliability and security (issue 11): hostile helper programs, option values, outputs, streams
// and sizes. No crash, no hang, nothing lost: each kind of problem has an exact message and exit
// code, and no output ever destroys an input or a device.
//
// Device nodes are made by the tests in their own temporary directories (mknod needs root; a test
// that cannot make one says so and is skipped): the real /dev nodes are never named as outputs.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/process.h"
#include "report/output.h"
#include "report/report.h"
#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;
using namespace std::chrono_literals;

namespace {

std::string component(const std::string& name_yaml, const std::string& extra = "") {
  return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name_yaml +
         "\n" + extra + "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
}

// A directory holding an executable `git` with this shell body.
std::string fake_git(const std::string& body) {
  const std::string dir = temp_dir();
  write_file(dir + "/git", "#!/bin/sh\n" + body + "\n");
  fs::permissions(dir + "/git", fs::perms::owner_all);
  return dir;
}

bool have_git() {
  return run_command({"git", "--version"}).exit_code == 0;
}

// Runs git in `dir` (with an identity for commits, no global configuration touched).
void git(const std::string& dir, std::vector<std::string> args) {
  std::vector<std::string> argv = {
      "git", "-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com"};
  argv.insert(argv.end(), args.begin(), args.end());
  REQUIRE(run_command(argv).exit_code == 0);
}

// A device node like /dev/null (1,3) or /dev/full (1,7) at `path`; false when this process may
// not make one (not root).
bool make_char_device(const std::string& path, unsigned minor) {
  return ::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, minor)) == 0;
}

mode_t type_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & S_IFMT;
}

// Whether process `pid` is gone (or a zombie nobody reaped: it runs no more).
bool process_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  const std::size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

const std::string kTimeoutVar = "CATALOG_LINT_CHILD_TIMEOUT_MS";

}  // namespace

// ---- 1. every child process has a deadline ----

TEST_CASE("security: a command past its deadline is killed with its process group") {
  const std::string dir = temp_dir();
  // The shell starts a grandchild in its process group and waits for it.
  const CommandResult r = run_command(
      {"sh", "-c", "sleep 1000 & echo $! > '" + dir + "/pid'; wait"}, "", CommandLimits{200ms});
  CHECK(r.timed_out);
  CHECK_FALSE(r.output_too_big);
  CHECK(r.exit_code == -1);
  const pid_t grandchild = std::stoi(read_file(dir + "/pid"));
  // SIGKILL is delivered asynchronously: give it up to 10 s (a hang guard, not a timing check).
  for (int i = 0; i < 1000 && !process_gone(grandchild); ++i) ::usleep(10'000);
  CHECK(process_gone(grandchild));
  // A command that never reads its input: writing stops at the deadline too.
  Command silent({"sh", "-c", "exec sleep 1000"}, CommandLimits{200ms});
  silent.write(std::string(1 << 20, 'x'));
  const CommandResult s = silent.finish();
  CHECK(s.timed_out);
  // Endless output stops at the output limit, whatever the deadline.
  const CommandResult endless = run_command({"yes"}, "", CommandLimits{600s, 1 << 20});
  CHECK(endless.output_too_big);
  CHECK_FALSE(endless.timed_out);
  CHECK(endless.output.size() <= (1u << 20));
  CHECK(endless.exit_code == -1);
  // The time spent between writes does not count: only waiting for the command does.
  Command slow_caller({"cat"}, CommandLimits{1000ms});
  slow_caller.write("a");
  ::usleep(1'500'000);
  slow_caller.write("b");
  const CommandResult both = slow_caller.finish();
  CHECK_FALSE(both.timed_out);
  CHECK(both.exit_code == 0);
  CHECK(both.output == "ab");
}

TEST_CASE("security: the child deadline comes from CATALOG_LINT_CHILD_TIMEOUT_MS") {
  ::setenv(kTimeoutVar.c_str(), "1234", 1);
  CHECK(child_timeout_from_env() == std::chrono::milliseconds(1234));
  ::setenv(kTimeoutVar.c_str(), "soon", 1);
  CHECK_FALSE(child_timeout_from_env());
  ::setenv(kTimeoutVar.c_str(), "0", 1);
  CHECK_FALSE(child_timeout_from_env());
  ::unsetenv(kTimeoutVar.c_str());
  CHECK(child_timeout_from_env() == std::chrono::milliseconds(10'000));
  const CliRun bad = run_with({"."}, RunOptions{.env = {{kTimeoutVar, "soon"}}});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err ==
        "catalog-lint: error: CATALOG_LINT_CHILD_TIMEOUT_MS 'soon' is not a whole number of "
        "milliseconds from 1 to 999999999999\n");
}

TEST_CASE("security: a git that hangs or never stops writing cannot stall discovery") {
  const std::string dir = temp_dir();
  write_file(dir + "/svc/catalog-info.yaml", component("payments"));
  write_file(dir + "/bad.yaml", component("bad", "  tags: [Java]\n"));
  for (const std::string& body :
       {std::string("exec sleep 1000"), std::string("while :; do echo endless; done")}) {
    CAPTURE(body);
    RunOptions o{.cwd = dir, .env = {{kTimeoutVar, "300"}}, .path_prefix = fake_git(body)};
    const CliRun r = run_with({"svc"}, o);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "no problems in 1 file\n");
    CHECK(r.err ==
          "catalog-lint: warning: git check-ignore did not finish within 300 ms; .gitignore files "
          "were not applied\n");
    // SARIF needs the repository root: without it, URIs are relative to the current directory.
    const CliRun sarif = run_with({"--format", "sarif", "bad.yaml"}, o);
    CHECK(sarif.exit_code == 1);
    CHECK(sarif.err ==
          "catalog-lint: warning: git rev-parse did not finish within 300 ms; paths are taken "
          "relative to the current directory\n");
    const auto j = nlohmann::json::parse(sarif.out);
    CHECK(j["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] ==
          nlohmann::json{{"uri", "bad.yaml"}, {"uriBaseId", "%SRCROOT%"}});
  }
}

TEST_CASE("security: --changed-since with a git that hangs exits 2") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", component("payments"));
  RunOptions o{
      .cwd = dir, .env = {{kTimeoutVar, "300"}}, .path_prefix = fake_git("exec sleep 1000")};
  const CliRun r = run_with({"--changed-since", "main", "catalog-info.yaml"}, o);
  CHECK(r.exit_code == 2);
  CHECK(r.out == "");
  CHECK(r.err ==
        "catalog-lint: warning: git rev-parse did not finish within 300 ms; paths are taken "
        "relative to the current directory\n"
        "catalog-lint: error: --changed-since 'main': git was not run (an earlier git did not "
        "finish within 300 ms); the changed files are unknown\n");
}

// ---- 2. values handed to git are never options ----

TEST_CASE("security: --changed-since is a revision, never a git option") {
  if (!have_git()) {
    MESSAGE("git not installed: skipped");
    return;
  }
  const std::string dir = temp_dir();
  git(dir, {"init", "-q"});
  write_file(dir + "/catalog-info.yaml", component("payments"));
  write_file(dir + "/victim.txt", "precious bytes\n");
  git(dir, {"add", "."});
  git(dir, {"commit", "-q", "-m", "one"});
  for (const std::string& ref :
       {std::string("--output=victim.txt"), std::string("-ovictim.txt"), std::string("nope")}) {
    CAPTURE(ref);
    const CliRun r = run_cli({"--changed-since=" + ref, "."}, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.out == "");
    CHECK(r.err == fmt::format("catalog-lint: error: --changed-since '{}' is not a commit in this "
                               "repository; give a branch, tag or commit id\n",
                               ref));
    CHECK(read_file(dir + "/victim.txt") == "precious bytes\n");
  }
  // A real revision still works: only the changed file is linted.
  write_file(dir + "/catalog-info.yaml", component("payments", "  tags: [Java]\n"));
  const CliRun ok = run_cli({"--changed-since", "HEAD", "--format", "json", "."}, dir);
  CHECK(ok.exit_code == 1);
  CHECK(severities_of(ok, "invalid-tag") ==
        std::vector<std::string>{"catalog-info.yaml error", "files=1"});
}

// ---- 3. outputs never destroy anything ----

TEST_CASE("security: an output that is a device, FIFO or symlink is written, not replaced") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", component("payments"));
  // A symlink is followed: its target is replaced, the link stays.
  write_file(dir + "/real.json", "old");
  fs::create_symlink("real.json", dir + "/link.json");
  CliRun r = run_cli({"--format", "json", "-o", "link.json", "."}, dir);
  CHECK(r.exit_code == 0);
  CHECK(type_of(dir + "/link.json") == S_IFLNK);
  CHECK(nlohmann::json::parse(read_file(dir + "/real.json"))["summary"]["files"] == 1);
  // A dangling symlink: the file it names is created.
  fs::create_symlink("new.json", dir + "/dangling.json");
  r = run_cli({"--format", "json", "-o", "dangling.json", "."}, dir);
  CHECK(r.exit_code == 0);
  CHECK(type_of(dir + "/dangling.json") == S_IFLNK);
  CHECK(nlohmann::json::parse(read_file(dir + "/new.json"))["summary"]["files"] == 1);
  // A FIFO nobody reads: an error at once, never a hang; the FIFO stays.
  REQUIRE(::mkfifo((dir + "/fifo").c_str(), 0644) == 0);
  r = run_cli({"--format", "json", "-o", "fifo", "."}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "catalog-lint: error: cannot write fifo: no process is reading the FIFO\n");
  CHECK(type_of(dir + "/fifo") == S_IFIFO);
  // A FIFO with a reader gets the report.
  const int reader = ::open((dir + "/fifo").c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  r = run_cli({"--format", "json", "-o", "fifo", "."}, dir);
  CHECK(r.exit_code == 0);
  std::string got(1 << 16, '\0');
  const ssize_t n = ::read(reader, got.data(), got.size());
  ::close(reader);
  REQUIRE(n > 0);
  got.resize(static_cast<std::size_t>(n));
  CHECK(nlohmann::json::parse(got)["summary"]["files"] == 1);
  CHECK(type_of(dir + "/fifo") == S_IFIFO);
  // /proc/self/fd/1 is the tool's own standard output: the JSON goes there, alone (no human
  // report ahead of it in the same stream).
  const std::string out = dir + "/stdout.txt";
  write_file(out, "");
  r = run_with({"--format", "json", "-o", "/proc/self/fd/1", "."},
               RunOptions{.cwd = dir, .stdout_path = out});
  CHECK(r.exit_code == 0);
  const std::string text = read_file(out);
  CHECK(nlohmann::json::parse(text)["summary"]["files"] == 1);
  CHECK(type_of(out) == S_IFREG);
  // A character device (made here, like /dev/null) stays a device.
  if (!make_char_device(dir + "/null", 3)) {
    MESSAGE("cannot mknod (not root): the device part is skipped");
    return;
  }
  r = run_cli({"--format", "json", "-o", "null", "."}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  CHECK(type_of(dir + "/null") == S_IFCHR);
  // A directory is an error.
  fs::create_directory(dir + "/folder");
  r = run_cli({"--format", "json", "-o", "folder", "."}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "catalog-lint: error: cannot write folder: it is a directory\n");
}

TEST_CASE("security: init writes through a symlink and never over a device") {
  const std::string dir = temp_dir();
  write_file(dir + "/shared.yaml", "old: true\n");
  fs::create_symlink("shared.yaml", dir + "/.catalog-lint.yaml");
  CliRun r = run_cli({"init", "--force"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "wrote .catalog-lint.yaml\n");
  CHECK(type_of(dir + "/.catalog-lint.yaml") == S_IFLNK);
  CHECK(read_file(dir + "/shared.yaml").rfind("# catalog-lint configuration", 0) == 0);
  const std::string dev = temp_dir();
  if (!make_char_device(dev + "/.catalog-lint.yaml", 3)) {
    MESSAGE("cannot mknod (not root): the device part is skipped");
    return;
  }
  r = run_cli({"init", "--force"}, dev);
  CHECK(r.exit_code == 0);
  CHECK(type_of(dev + "/.catalog-lint.yaml") == S_IFCHR);
}

// ---- 4. write errors are errors ----

TEST_CASE("security: a report that cannot be written exits 2") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", component("payments"));
  std::string full = dir + "/full";
  const bool own = make_char_device(full, 7);
  if (!own) full = "/dev/full";  // only opened for writing by this test, never named as an output
  const CliRun r = run_with({"--format", "json", "."}, RunOptions{.cwd = dir, .stdout_path = full});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "catalog-lint: error: cannot write the report to standard output: No space left on "
        "device\n");
  const CliRun human = run_with({"."}, RunOptions{.cwd = dir, .stdout_path = full});
  CHECK(human.exit_code == 2);
  CHECK(human.err == r.err);
  // The subcommands' output too.
  for (const std::string command : {"rules", "explain"}) {
    CAPTURE(command);
    std::vector<std::string> args = {command};
    if (command == "explain") args.push_back("invalid-tag");
    const CliRun sub = run_with(args, RunOptions{.cwd = dir, .stdout_path = full});
    CHECK(sub.exit_code == 2);
    CHECK(sub.err == "catalog-lint: error: cannot write to standard output\n");
  }
  if (!own) {
    MESSAGE("cannot mknod (not root): --output to a full device is skipped");
    return;
  }
  const CliRun file = run_cli({"--format", "sarif", "-o", "full", "."}, dir);
  CHECK(file.exit_code == 2);
  CHECK(file.err == "catalog-lint: error: cannot write full: No space left on device\n");
  CHECK(type_of(full) == S_IFCHR);
}

TEST_CASE("security: a closed standard output is an error, not a silent success") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", component("payments"));
  const CliRun r =
      run_with({"--format", "json", "."}, RunOptions{.cwd = dir, .stdout_closed = true});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "catalog-lint: error: cannot write the report to standard output: it is closed\n");
  // Nothing the run opens takes the place of the closed stream.
  CHECK(fs::exists(dir + "/catalog-info.yaml"));
  CHECK(read_file(dir + "/catalog-info.yaml") == component("payments"));
  // A report to standard error when it is closed (`json=/dev/stderr 2>&-`) was written to the
  // /dev/null that stands in for it, exit 1: lost without a word.
  const auto [code, out] =
      sh(dir, std::string("'") + CATALOG_LINT_BINARY +
                  "' --format json=/dev/stderr --format human=/dev/null . 2>&-");
  CHECK(code == 2);
  CHECK(out == "");
}

// ---- 5. no output overwrites an input of the run or another output ----

TEST_CASE("security: outputs never overwrite an input or each other") {
  const std::string dir = temp_dir();
  const std::string loc =
      "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\n"
      "spec:\n  targets: [./other.yaml]\n";
  write_file(dir + "/catalog-info.yaml", loc);
  const std::string other = component("other");
  write_file(dir + "/other.yaml", other);
  write_file(dir + "/c.yaml", "rules:\n  invalid-tag: warning\n");
  write_file(dir + "/org/groups.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n"
             "spec:\n  type: team\n  children: []\n");
  write_file(dir + "/sub/.catalog-lint.yaml", "rules:\n  invalid-tag: warning\n");
  write_file(dir + "/sub/catalog-info.yaml", component("sub"));
  fs::create_directory(dir + "/out");
  fs::create_directory_symlink("out", dir + "/outlink");
  // A baseline to read.
  REQUIRE(run_cli({"--write-baseline", "b.json", "catalog-info.yaml"}, dir).exit_code == 0);
  const std::string baseline = read_file(dir + "/b.json");
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"--format", "json", "-o", "other.yaml", "catalog-info.yaml"},
       "catalog-lint: error: refusing to write 'other.yaml': it is the linted file 'other.yaml'\n"},
      {{"--write-baseline", "b.json", "--format", "json", "-o", "b.json", "catalog-info.yaml"},
       "catalog-lint: error: refusing to write 'b.json': it is also the --write-baseline file "
       "'b.json'\n"},
      {{"--baseline", "b.json", "--format", "sarif=b.json", "catalog-info.yaml"},
       "catalog-lint: error: refusing to write 'b.json': it is the --baseline file 'b.json'\n"},
      {{"--format", "json=out/r.json", "--format", "sarif=outlink/r.json", "catalog-info.yaml"},
       "catalog-lint: error: refusing to write 'outlink/r.json': it is also the output file "
       "'out/r.json'\n"},
      {{"--config", "c.yaml", "--format", "json", "-o", "c.yaml", "catalog-info.yaml"},
       "catalog-lint: error: refusing to write 'c.yaml': it is the config file 'c.yaml'\n"},
      {{"--format", "json", "-o", "sub/.catalog-lint.yaml", "sub"},
       "catalog-lint: error: refusing to write 'sub/.catalog-lint.yaml': a file named "
       ".catalog-lint.yaml is read as the configuration of its folder\n"},
      // Not there yet: the next run would read the baseline as its configuration.
      {{"--write-baseline", "out/.catalog-lint.yaml", "catalog-info.yaml"},
       "catalog-lint: error: refusing to write 'out/.catalog-lint.yaml': a file named "
       ".catalog-lint.yaml is read as the configuration of its folder\n"},
      {{"--catalog", "org", "--format", "json", "-o", "org/groups.yaml", "catalog-info.yaml"},
       "catalog-lint: error: refusing to write 'org/groups.yaml': it is the --catalog file "
       "'org/groups.yaml'\n"},
      {{"--write-baseline", "other.yaml", "catalog-info.yaml"},
       "catalog-lint: error: refusing to write 'other.yaml': it is the linted file 'other.yaml'\n"},
  };
  for (const Case& c : cases) {
    CAPTURE(fmt::format("{}", fmt::join(c.args, " ")));
    const CliRun r = run_cli(c.args, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.out == "");
    CHECK(r.err == c.err);
    CHECK(read_file(dir + "/other.yaml") == other);
    CHECK(read_file(dir + "/b.json") == baseline);
    CHECK(read_file(dir + "/c.yaml") == "rules:\n  invalid-tag: warning\n");
    CHECK(read_file(dir + "/sub/.catalog-lint.yaml") == "rules:\n  invalid-tag: warning\n");
    CHECK(read_file(dir + "/org/groups.yaml").find("kind: Group") != std::string::npos);
    CHECK_FALSE(fs::exists(dir + "/out/r.json"));
    CHECK_FALSE(fs::exists(dir + "/out/.catalog-lint.yaml"));
  }
  // --stdin-filename F --output F: F is what the input stands for.
  const CliRun s =
      run_cli({"--stdin", "--stdin-filename", "other.yaml", "--format", "json", "-o", "other.yaml"},
              dir, component("x"));
  CHECK(s.exit_code == 2);
  CHECK(s.err ==
        "catalog-lint: error: refusing to write 'other.yaml': it is the --stdin-filename file "
        "'other.yaml'\n");
  CHECK(read_file(dir + "/other.yaml") == other);
}

// ---- 6. standard input that cannot be read ----

TEST_CASE("security: --stdin that cannot be read is an error, not a clean file") {
  const std::string dir = temp_dir();
  CliRun r = run_with({"--stdin"}, RunOptions{.cwd = dir, .stdin_closed = true});
  CHECK(r.exit_code == 2);
  CHECK(r.out == "");
  CHECK(r.err == "catalog-lint: error: cannot read standard input: it is closed\n");
  r = run_with({"--stdin", "--format", "json"}, RunOptions{.cwd = dir, .stdin_path = dir});
  CHECK(r.exit_code == 2);
  CHECK(r.out == "");
  CHECK(r.err == "catalog-lint: error: cannot read standard input: Is a directory\n");
}

// ---- 7. one strict date parser ----

TEST_CASE("security: dates are strict YYYY-MM-DD everywhere") {
  for (const char* bad :
       {"2026-+7-+1", "2026- 7- 1", "+026-07-01", "2026-02-29", "2026-13-01", "2026-00-10",
        "2026-01-00", "2026-1-1", "2026-01-01x", " 2026-01-01", "20260101", "", "२०२६-०१-०१"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_date_days(bad));
  }
  CHECK(parse_date_days("1970-01-01") == 0);
  CHECK(parse_date_days("2024-02-29") == 19782);
  CHECK(parse_date_days("0000-03-01") == -719468);
  CHECK(parse_date_days(current_date()));
  const CliRun r = run_cli({"--today", "2026-+7-+1", "."}, temp_dir());
  CHECK(r.exit_code == 2);
  CHECK(r.err == "catalog-lint: error: --today '2026-+7-+1' is not a date (YYYY-MM-DD)\n");
}

// ---- 8. options that cannot go together ----

TEST_CASE("security: --baseline with --write-baseline is a usage error") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", component("payments", "  tags: [Java]\n"));
  const CliRun r = run_cli({"--baseline", "a.json", "--write-baseline", "b.json", "."}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.out == "");
  CHECK(r.err ==
        "catalog-lint: error: --baseline and --write-baseline cannot be combined; "
        "--write-baseline already reads the file it updates\n");
  CHECK_FALSE(fs::exists(dir + "/b.json"));
}

// ---- 9. path errors are in every machine report ----

TEST_CASE("security: paths that cannot be linted are in the JSON and SARIF reports") {
  const std::string dir = temp_dir();
  write_file(dir + "/catalog-info.yaml", component("payments"));
  const CliRun r = run_cli({"--format", "json", "catalog-info.yaml", "missing"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "catalog-lint: error: missing: no such file or directory\n");
  const auto j = nlohmann::ordered_json::parse(r.out);
  CHECK(j["path_errors"].dump() == R"([{"path":"missing","message":"no such file or directory"}])");
  CHECK(j["summary"]["files"] == 1);
  // A clean run's JSON is unchanged: no new key.
  const CliRun clean = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  CHECK_FALSE(nlohmann::json::parse(clean.out).contains("path_errors"));
  const CliRun s = run_cli({"--format", "sarif", "catalog-info.yaml", "missing"}, dir);
  CHECK(s.exit_code == 2);
  const auto inv = nlohmann::json::parse(s.out)["runs"][0]["invocations"][0];
  CHECK(inv["executionSuccessful"] == false);
  REQUIRE(inv["toolExecutionNotifications"].size() == 1);
  CHECK(inv["toolExecutionNotifications"][0]["message"]["text"].get<std::string>().find(
            "missing") != std::string::npos);
}

// ---- 10. control bytes never reach a log or terminal ----

TEST_CASE("security: control bytes in values are shown, not emitted, in every text format") {
  const std::string dir = temp_dir();
  // ESC, BEL, NUL, DEL and C1 CSI (U+009B) in a name that is invalid, so the message quotes it.
  write_file(dir + "/catalog-info.yaml", component(R"("a\e[31m\a\0\x7f\u009b2Jb")"));
  auto clean = [](const std::string& text) {
    for (const std::string_view bad :
         {std::string_view("\x1b"), std::string_view("\x07"), std::string_view("\0", 1),
          std::string_view("\x7f"), std::string_view("\xC2\x9B")})
      if (text.find(bad) != std::string::npos) return false;
    return true;
  };
  for (const std::string format : {"human", "github", "junit"}) {
    CAPTURE(format);
    const CliRun r = run_cli({"--color", "never", "--format", format, "."}, dir);
    CHECK(r.exit_code == 1);
    CHECK(clean(r.out));
    // The same picture in each: ESC as U+241B, BEL U+2407, NUL U+2400, DEL U+2421, C1 as <U+009B>
    // (XML-escaped in JUnit).
    const std::string c1 = format == "junit" ? "&lt;U+009B&gt;" : "<U+009B>";
    CHECK(r.out.find("a\xE2\x90\x9B[31m\xE2\x90\x87\xE2\x90\x80\xE2\x90\xA1" + c1 + "2Jb") !=
          std::string::npos);
  }
  CHECK(printable("tab\tok \xC2\x85 \xC2\xA0") == "tab\tok <U+0085> \xC2\xA0");
  CHECK(printable("\xff") == "\xEF\xBF\xBD");
}

TEST_CASE("security: a repository's own git config cannot widen the repository or run commands") {
  if (!have_git()) {
    skip("git is not installed");
    return;
  }
  const std::string outside = temp_dir();
  write_file(outside + "/secret.yaml", "token: s3cret\n");
  const std::string dir = temp_dir();
  git(dir, {"init", "-q"});
  // `core.worktree = /` made `git rev-parse --show-toplevel` say "/": every path was inside.
  git(dir, {"config", "core.worktree", "/"});
  const std::string up = fs::path(outside).lexically_relative(dir).generic_string();
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\nspec:\n"
             "  targets: [" +
                 up + "/secret.yaml]\n");
  CliRun r = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 0);  // a warning
  CHECK(severities_of(r, "location-target-outside-repository") ==
        std::vector<std::string>{"catalog-info.yaml warning", "files=1"});
  CHECK(r.out.find("s3cret") == std::string::npos);
  // A work tree that does not hold the file (`core.worktree` naming another folder): the
  // folder holding `.git` is the repository; the outside target was linted, the inside one
  // called outside.
  git(dir, {"config", "core.worktree", outside});
  write_file(dir + "/inside.yaml", component("inside"));
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: l\nspec:\n"
             "  targets: [./inside.yaml, " +
                 up + "/secret.yaml]\n");
  r = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(severities_of(r, "location-target-outside-repository") ==
        std::vector<std::string>{"catalog-info.yaml warning", "files=2"});
  CHECK(r.out.find("s3cret") == std::string::npos);
  // `core.fsmonitor` is a command git status-like commands start (check-ignore in the walk).
  const std::string mark = outside + "/fsmonitor-ran";
  git(dir, {"config", "--unset", "core.worktree"});
  git(dir, {"config", "core.fsmonitor", "touch '" + mark + "'; false #"});
  r = run_cli({"."}, dir);
  CHECK(!fs::exists(mark));
  // --changed-since: a clean filter (`git diff` refreshed the index through it) and an index
  // hook are commands of the repository too.
  git(dir, {"config", "--unset", "core.fsmonitor"});
  const std::string filter = outside + "/filter-ran", hook = outside + "/hook-ran";
  write_file(dir + "/.gitattributes", "*.yaml filter=evil\n");
  git(dir, {"add", "."});
  git(dir, {"commit", "-qm", "one"});
  git(dir, {"config", "filter.evil.clean", "touch '" + filter + "'; cat"});
  write_file(dir + "/.git/hooks/post-index-change", "#!/bin/sh\ntouch '" + hook + "'\n");
  fs::permissions(dir + "/.git/hooks/post-index-change", fs::perms::owner_all);
  write_file(dir + "/inside.yaml", component("inside2"));
  r = run_cli({"--changed-since", "HEAD", "."}, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  CHECK(!fs::exists(filter));
  CHECK(!fs::exists(hook));
}
