#include "util.h"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

CliRun run_cli(const std::vector<std::string>& args, const std::string& cwd,
               const std::string& stdin_text) {
  const std::string dir = temp_dir();
  const std::string in_path = dir + "/stdin", out_path = dir + "/stdout",
                    err_path = dir + "/stderr";
  write_file(in_path, stdin_text);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int in = open(in_path.c_str(), O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0), dup2(out, 1), dup2(err, 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
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
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
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

LintResult lint_text(const std::string& text, const std::string& rule, const std::string& name) {
  LintOptions options;
  // Suppression rules judge other rules' findings: run everything, keep only the rule's own.
  const RuleInfo* info = rule.empty() ? nullptr : Registry::instance().find(rule);
  const bool about_findings = info && info->category == "suppression";
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

}  // namespace catalog_lint::test
