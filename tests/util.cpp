#include "util.h"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/config_error.h"

namespace fs = std::filesystem;

namespace catalog_lint::test {

namespace {
int& skip_count() {
  static int n = 0;
  return n;
}
}  // namespace

void skip(const std::string& why) {
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string(ci) == "true") {
    FAIL_CHECK("required in CI but " << why);
    return;
  }
  MESSAGE("skipped: " << why);
  ++skip_count();
}

int skipped() {
  return skip_count();
}

std::string source_dir() {
  return CATALOG_LINT_SOURCE_DIR;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& content) {
  const fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

namespace {
std::vector<std::string>& temp_dirs() {
  static std::vector<std::string> dirs;
  static const bool registered = [] {
    std::atexit([] {
      for (const auto& d : temp_dirs()) {
        std::error_code ec;
        fs::permissions(d, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(d, ec);
      }
    });
    return true;
  }();
  (void)registered;
  return dirs;
}

}  // namespace

std::string temp_dir() {
  std::string templ = (fs::temp_directory_path() / "catalog-lint-test-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  temp_dirs().push_back(templ);
  return templ;
}

CliRun run_with(const std::vector<std::string>& args, const RunOptions& o) {
  const std::string dir = temp_dir();
  const std::string out_path = o.stdout_path.empty() ? dir + "/stdout" : o.stdout_path;
  const std::string err_path = dir + "/stderr";
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int out = o.stdout_path.empty() ? open(out_path.c_str(), O_WRONLY | O_CREAT, 0644)
                                          : open(out_path.c_str(), O_WRONLY);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0) _exit(125);
    dup2(out, 1), dup2(err, 2);
    if (o.stdout_closed) close(1);
    if (o.stdout_broken_pipe) {
      int fds[2];
      if (pipe(fds) != 0) _exit(125);
      close(fds[0]);  // no reader: every write gets EPIPE (or SIGPIPE, which main ignores)
      dup2(fds[1], 1);
      close(fds[1]);
    }
    if (o.stdin_closed) {
      close(0);
    } else {
      const int in = open(o.stdin_path.empty() ? "/dev/null" : o.stdin_path.c_str(), O_RDONLY);
      if (in < 0) _exit(125);
      dup2(in, 0);
      if (in != 0) close(in);
    }
    if (out > 2) close(out);
    if (err > 2) close(err);
    if (!o.cwd.empty() && chdir(o.cwd.c_str()) != 0) _exit(126);
    for (const auto& [k, v] : o.env) setenv(k.c_str(), v.c_str(), 1);
    if (!o.path_prefix.empty()) {
      const char* path = std::getenv("PATH");
      setenv("PATH", (o.path_prefix + ":" + (path ? path : "/usr/bin:/bin")).c_str(), 1);
    }
    // A sanitizer build reserves terabytes of address space for its shadow memory: a cap would
    // stop it at start-up, so there the cap is left out (ASan bounds allocations itself).
#ifndef CATALOG_LINT_SANITIZED
    constexpr bool kCap = true;
#else
    constexpr bool kCap = false;
#endif
    if (kCap && o.address_space > 0) {
      const rlimit cap{o.address_space, o.address_space};
      setrlimit(RLIMIT_AS, &cap);
    }
    alarm(120);  // a hang fails the test (killed by SIGALRM) instead of blocking the suite
    std::vector<char*> argv;
    std::string bin = CATALOG_LINT_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (o.stdout_path.empty()) r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

CliRun run_cli(const std::vector<std::string>& args, const std::string& cwd,
               const std::string& stdin_text) {
  const std::string in_path = temp_dir() + "/stdin";
  write_file(in_path, stdin_text);
  return run_with(args, RunOptions{.cwd = cwd, .stdin_path = in_path});
}

std::vector<std::string> severities_of(const CliRun& run, const std::string& rule) {
  const auto j = nlohmann::json::parse(run.out);
  std::vector<std::string> out;
  for (const auto& d : j["diagnostics"])
    if (d["rule"] == rule)
      out.push_back(d["file"].get<std::string>() + " " + d["severity"].get<std::string>());
  out.push_back("files=" + std::to_string(j["summary"]["files"].get<int>()));
  return out;
}

LintResult lint_text(const std::string& text, const std::string& rule, const std::string& name,
                     const std::string& today) {
  LintOptions options;
  options.today = today;  // "" = the real date
  // Suppression rules judge other rules' findings: run everything, keep only the rule's own.
  const RuleInfo* info = rule.empty() ? nullptr : Registry::instance().find(rule);
  const bool about_findings = info && info->category == "suppression";
  // The rule under test runs at its default severity, recommended (on by default) or not.
  if (info != nullptr) options.config.set(rule, info->default_severity);
  if (!rule.empty() && !about_findings) options.config.only(rule);
  std::vector<FileResult> files;
  files.push_back(lint_bytes(name, text, options));
  LintResult result = finish(std::move(files), options);
  if (about_findings)
    std::erase_if(result.diagnostics, [&](const Diagnostic& d) { return d.rule != rule; });
  return result;
}

std::vector<std::string> brief(const LintResult& result) {
  std::vector<std::string> out;
  for (const Diagnostic& d : result.diagnostics)
    out.push_back(fmt::format("{}@{}:{}", d.rule, d.start.line, d.start.column));
  return out;
}

std::string config_verdict(const std::string& file, const std::string& text,
                           const std::string& ok) {
  try {
    parse_config(file, text);
  } catch (const ConfigError& e) {
    return e.format();
  }
  return ok;
}

std::string git_repo() {
  const std::string dir = std::filesystem::canonical(temp_dir()).string();
  REQUIRE(std::system(fmt::format("git init -q '{}'", dir).c_str()) == 0);
  return dir;
}

std::string committed_copy(const std::string& name) {
  const std::string dir = git_repo();
  std::filesystem::copy(source_dir() + "/testdata/" + name, dir,
                        std::filesystem::copy_options::recursive);
  const auto [code, out] =
      sh(dir, "git add . && git -c user.email=t@example.com -c user.name=t commit -qm " + name);
  REQUIRE_MESSAGE(code == 0, out);
  return dir;
}

std::pair<int, std::string> sh(const std::string& dir, const std::string& command) {
  const std::string out = temp_dir() + "/sh-output";
  const std::string full = "cd '" + dir + "' && (" + command + ") > '" + out + "' 2>&1";
  const int status = std::system(full.c_str());
  std::string text = read_file(out);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

bool have(const std::string& program) {
  return std::system(("command -v '" + program + "' >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace catalog_lint::test
