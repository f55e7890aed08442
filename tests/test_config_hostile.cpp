// Hostile configuration (issue 11, "Reliability and security"): what `.catalog-lint.yaml` and the
// files it extends can make catalog-lint read, how long they can make it work, and what one broken
// config does to a run. Each case names the exact message, position and exit code.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/config.h"
#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint;
using namespace catalog_lint::test;

namespace {

// A Component with one invalid tag (`Java`, invalid-tag at 5:10).
std::string tagged(const std::string& name) {
  return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name +
         "\n  tags: [Java]\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
}

// "severity rule file line:col" of each finding of a JSON report, in report order.
std::vector<std::string> findings(const std::string& json_text) {
  std::vector<std::string> out;
  const auto j = nlohmann::json::parse(json_text);
  for (const auto& d : j["diagnostics"])
    out.push_back(fmt::format("{} {} {} {}:{}", d["severity"].get<std::string>(),
                              d["rule"].get<std::string>(), d["file"].get<std::string>(),
                              d["line"].get<int>(), d["column"].get<int>()));
  return out;
}

// The ConfigError parse_config throws for `text` as file `cfg.yaml`, formatted ("" = none).
std::string config_error(const std::string& text) {
  return config_verdict("cfg.yaml", text, "");
}

constexpr std::string_view kOutside =
    "; a config may extend only files inside its own repository, or under a directory given with "
    "--allow-extends-from";

}  // namespace

TEST_CASE("config: extends outside the repository is refused and nothing of the file is echoed") {
  const std::string dir = git_repo();
  const std::string elsewhere = fs::canonical(temp_dir()).string();  // another directory
  write_file(elsewhere + "/secrets.yaml", "db_password: hunter2\n");
  write_file(elsewhere + "/shared.yaml", "rules:\n  invalid-tag: note\n");
  write_file(dir + "/catalog-info.yaml", tagged("a"));
  write_file(dir + "/c.yaml", "extends: " + elsewhere + "/secrets.yaml\n");
  CliRun r = run_cli({"--config", "c.yaml", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err == fmt::format("catalog-lint: c.yaml:1:10: error: extends '{0}/secrets.yaml' "
                             "resolves to '{0}/secrets.yaml', outside the repository '{1}'{2}\n",
                             elsewhere, dir, kOutside));
  CHECK(r.err.find("db_password") == std::string::npos);
  CHECK(r.out.empty());

  // A committed symlink that leads out (here to a device) is judged by where it leads.
  fs::create_symlink("/dev/zero", dir + "/zero.yaml");
  write_file(dir + "/c.yaml", "rules: {}\nextends:\n  - ./zero.yaml\n");
  r = run_cli({"--config", "c.yaml", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err == fmt::format("catalog-lint: c.yaml:3:5: error: extends './zero.yaml' resolves to "
                             "'/dev/zero', outside the repository '{}'{}\n",
                             dir, kOutside));

  // --allow-extends-from DIR is the explicit way to share a config from elsewhere.
  write_file(dir + "/c.yaml", "extends: " + elsewhere + "/shared.yaml\n");
  r = run_cli({"--format", "json", "--allow-extends-from", elsewhere, "--config", "c.yaml",
               "catalog-info.yaml"},
              dir);
  CHECK(r.exit_code == 0);
  CHECK(severities_of(r, "invalid-tag") ==
        std::vector<std::string>{"catalog-info.yaml note", "files=1"});

  // A discovered .catalog-lint.yaml that is a symlink out of the repository is not read either.
  fs::create_symlink(elsewhere + "/secrets.yaml", dir + "/.catalog-lint.yaml");
  r = run_cli({"--format", "json", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err == fmt::format("catalog-lint: .catalog-lint.yaml: error: resolves to "
                             "'{}/secrets.yaml', outside '{}' where the search for it stops; a "
                             "config must be a file inside it\n",
                             elsewhere, dir));
  CHECK(r.out.find("db_password") == std::string::npos);
}

TEST_CASE("config: extends of a FIFO, a directory or a file over 1 MiB is an error at the item") {
  const std::string dir = git_repo();
  write_file(dir + "/catalog-info.yaml", tagged("a"));
  REQUIRE(::mkfifo((dir + "/pipe.yaml").c_str(), 0600) == 0);  // no writer: reading would hang
  fs::create_directory(dir + "/dir.yaml");
  write_file(dir + "/big.yaml", "# " + std::string((1u << 20) - 2, 'x') + "\n");  // 1 MiB + 1
  struct Case {
    std::string target, message;
  };
  for (const Case& c : {Case{"pipe.yaml",
                             "cannot read extended config 'pipe.yaml': not a regular file (a "
                             "FIFO, socket or device)"},
                        Case{"dir.yaml", "cannot read extended config 'dir.yaml': Is a directory"},
                        Case{"big.yaml",
                             "extended config 'big.yaml' is 1048577 bytes, over the limit of "
                             "1048576 bytes"}}) {
    INFO(c.target);
    write_file(dir + "/c.yaml", "extends: [default, ./" + c.target + "]\n");
    const CliRun r = run_cli({"--config", "c.yaml", "catalog-info.yaml"}, dir);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "catalog-lint: c.yaml:1:20: error: " + c.message + "\n");
  }
}

TEST_CASE("config: extends diamonds are parsed once per run; chain length and file count limits") {
  const std::string dir = git_repo();
  write_file(dir + "/catalog-info.yaml", tagged("a"));
  // f0 extends f1 thirty times, f1 extends f2 thirty times, ...: 30^5 parses of f5 when each
  // extends is parsed anew (hours; run_cli kills the run after 120 s), one parse of each file
  // when cached.
  for (int i = 0; i < 5; ++i) {
    std::string text = "extends:\n";
    for (int k = 0; k < 30; ++k) text += fmt::format("  - f{}.yaml\n", i + 1);
    write_file(dir + fmt::format("/f{}.yaml", i), text);
  }
  write_file(dir + "/f5.yaml", "rules:\n  invalid-tag: warning\n");
  CliRun r = run_cli({"--format", "json", "--config", "f0.yaml", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(severities_of(r, "invalid-tag") ==
        std::vector<std::string>{"catalog-info.yaml warning", "files=1"});

  // A chain of 17 files: c0 extends c1 ... extends c16. The 17th is one too many.
  for (int i = 0; i < 16; ++i)
    write_file(dir + fmt::format("/c{}.yaml", i), fmt::format("extends: c{}.yaml\n", i + 1));
  write_file(dir + "/c16.yaml", "rules: {}\n");
  r = run_cli({"--config", "c0.yaml", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "catalog-lint: c15.yaml:1:10: error: extends 'c16.yaml' makes a chain of more than 16 "
        "config files, the limit\n");
  // 16 files are fine.
  r = run_cli({"--config", "c1.yaml", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);
  CHECK(r.err.empty());

  // One config reading 65 files: itself, m1..m32, and a distinct leaf under each.
  std::string root = "extends:\n";
  for (int i = 1; i <= 32; ++i) {
    root += fmt::format("  - m{}.yaml\n", i);
    write_file(dir + fmt::format("/m{}.yaml", i), fmt::format("extends: leaf{}.yaml\n", i));
    write_file(dir + fmt::format("/leaf{}.yaml", i), "rules: {}\n");
  }
  write_file(dir + "/root.yaml", root);
  r = run_cli({"--config", "root.yaml", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "catalog-lint: root.yaml:33:5: error: extends 'm32.yaml' brings the configuration to more "
        "than 64 config files, the limit\n");

  // An extends list of 33 entries.
  std::string long_list = "extends: [default";
  for (int i = 0; i < 32; ++i) long_list += ", default";
  CHECK(config_error(long_list + "]\n") ==
        "cfg.yaml:1:10: error: extends has 33 items, over the limit of 32");
}

TEST_CASE("config: outside a repository the search stops at the directory the run started in") {
  const std::string top = fs::canonical(temp_dir()).string();  // not a repository
  // Anyone who can write above the run (/tmp, a shared home) must not switch rules off.
  write_file(top + "/.catalog-lint.yaml", "rules:\n  invalid-tag: off\n");
  write_file(top + "/run/catalog-info.yaml", tagged("a"));
  CliRun r = run_cli({"--format", "json", "catalog-info.yaml"}, top + "/run");
  CHECK(r.exit_code == 1);
  CHECK(findings(r.out) == std::vector<std::string>{"error invalid-tag catalog-info.yaml 5:10"});
  // A config in the start directory, or below it, still applies.
  write_file(top + "/run/.catalog-lint.yaml", "rules:\n  invalid-tag: note\n");
  r = run_cli({"--format", "json", "catalog-info.yaml"}, top + "/run");
  CHECK(r.exit_code == 0);
  CHECK(severities_of(r, "invalid-tag") ==
        std::vector<std::string>{"catalog-info.yaml note", "files=1"});
  // A file outside the start directory gets only its own directory's config.
  write_file(top + "/other/catalog-info.yaml", tagged("b"));
  write_file(top + "/run/sub/.keep", "");
  r = run_cli({"--format", "json", "../../other/catalog-info.yaml"}, top + "/run/sub");
  CHECK(r.exit_code == 1);
  CHECK(findings(r.out) ==
        std::vector<std::string>{"error invalid-tag ../../other/catalog-info.yaml 5:10"});
}

TEST_CASE("config: a broken config in a subdirectory is a finding; every other file is linted") {
  const std::string dir = git_repo();
  write_file(dir + "/good/catalog-info.yaml", tagged("good"));
  write_file(dir + "/bad/catalog-info.yaml", tagged("bad"));
  write_file(dir + "/bad/deeper/catalog-info.yaml", tagged("deeper"));
  write_file(dir + "/bad/.catalog-lint.yaml", "policy:\n  escape_hatch_expiry_warning_days: -1\n");
  const CliRun r = run_cli(
      {"--format", "json", "--format", "sarif=out.sarif", "--format", "junit=out.xml", "."}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "catalog-lint: bad/.catalog-lint.yaml:2:37: error: "
        "policy.escape_hatch_expiry_warning_days must be between 0 and 100000\n");
  CHECK(findings(r.out) == std::vector<std::string>{
                               "error invalid-config bad/.catalog-lint.yaml 2:37",
                               "error invalid-config bad/catalog-info.yaml 1:1",
                               "error invalid-config bad/deeper/catalog-info.yaml 1:1",
                               "error invalid-tag good/catalog-info.yaml 5:10",
                           });
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["summary"]["files"] == 3);
  for (const auto& d : j["diagnostics"])
    if (d["file"] == "bad/catalog-info.yaml") {
      CHECK(d["message"] == "file not linted: its config 'bad/.catalog-lint.yaml' is invalid");
      CHECK(d["help"] ==
            "fix the config error at bad/.catalog-lint.yaml:2:37; the other files are still "
            "linted");
    }
  // The other outputs are written, with the same findings.
  REQUIRE(fs::exists(dir + "/out.sarif"));
  const auto sarif = nlohmann::json::parse(read_file(dir + "/out.sarif"));
  std::vector<std::string> rules;
  for (const auto& res : sarif["runs"][0]["results"]) rules.push_back(res["ruleId"]);
  CHECK(rules == std::vector<std::string>{"invalid-config", "invalid-config", "invalid-config",
                                          "invalid-tag"});
  CHECK(fs::exists(dir + "/out.xml"));
  // print-config of a file under the broken config: the error, exit 2.
  const CliRun p = run_cli({"print-config", "bad/catalog-info.yaml"}, dir);
  CHECK(p.exit_code == 2);
  CHECK(p.err ==
        "catalog-lint: bad/.catalog-lint.yaml:2:37: error: "
        "policy.escape_hatch_expiry_warning_days must be between 0 and 100000\n");
}

TEST_CASE("config: what config text can cost is bounded by named limits") {
  // Regex size: RE2 gets a memory budget, patterns a length limit.
  auto rule = [](const std::string& pattern) {
    return "declarative_rules:\n  - id: x\n    summary: s\n    require:\n      annotation: a\n"
           "      pattern: '" +
           pattern + "'\n";
  };
  CHECK(config_error(rule("\\pL{100}")) ==
        "cfg.yaml:6:16: error: require.pattern needs more than the limit of 1048576 bytes of "
        "memory to compile; simplify it (fewer repetitions such as {1000})");
  CHECK(config_error(rule(std::string(4097, 'a'))) ==
        "cfg.yaml:6:16: error: require.pattern is 4097 bytes, over the limit of 4096 bytes");
  // Declarative rules.
  std::string many = "extends: []\ndeclarative_rules:\n";
  for (int i = 0; i < 501; ++i)
    many += fmt::format("  - {{id: r{}, summary: s, require: {{label: l}}}}\n", i);
  CHECK(config_error(many) ==
        "cfg.yaml:1:1: error: the configuration has 501 declarative rules, over the limit of 500");
  // Overrides entries and globs.
  std::string overrides = "overrides:\n";
  for (int i = 0; i < 501; ++i) overrides += "  - {files: a, rules: {}}\n";
  CHECK(config_error(overrides) ==
        "cfg.yaml:1:1: error: the configuration has 501 overrides entries, over the limit of 500");
  std::string globs = "exclude:\n";
  for (int i = 0; i < 1001; ++i) globs += fmt::format("  - g{}\n", i);
  CHECK(config_error(globs) ==
        "cfg.yaml:1:1: error: the configuration has 1001 globs (include, exclude and overrides "
        "files), over the limit of 1000");
  CHECK(config_error("include: ['**/a/**/b/**/c/**']\n") ==
        "cfg.yaml:1:10: error: include '**/a/**/b/**/c/**' has 4 `**` segments, over the limit "
        "of 3");
  CHECK(config_error("include: ['" + std::string(1025, 'a') + "']\n") ==
        "cfg.yaml:1:10: error: include has a glob of 1025 bytes, over the limit of 1024 bytes");
  // Lists.
  std::string owners = "policy:\n  golden_paths:\n";
  for (int i = 0; i < 5001; ++i) owners += fmt::format("    - t{}\n", i);
  CHECK(config_error(owners) ==
        "cfg.yaml:3:5: error: policy.golden_paths has 5001 items, over the limit of 5000");
  // Within the limits all of these are fine.
  CHECK(config_error(rule("[a-z]{1000}\\pL{20}")) == "");
  CHECK(config_error("include: ['**/a/**/b/**/c']\n") == "");
}
