// The organisation's catalog as an input (issue 14): `catalog:` in .catalog-lint.yaml is used by
// every way the tool runs, so a partial run (one service folder, named files, standard input,
// --changed-since) judges owners and entity references against the whole org; without a
// declared catalog, owners get one note and references are not judged.
//
// testdata/org-catalog is a monorepo: org/ (Groups, Users, Systems, a Domain, a Template) and two
// service folders, each with one planted dangling reference.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util.h"

namespace fs = std::filesystem;
using namespace catalog_lint::test;

namespace {

/// A git work tree holding a copy of testdata/org-catalog, committed.
std::string org_repo() {
  return committed_copy("org-catalog");
}

/// "rule file:line:col" for each finding of a --format json run, in report order, one per line.
std::string findings(const CliRun& run) {
  std::string out;
  const auto j = nlohmann::json::parse(run.out);
  for (const auto& d : j["diagnostics"])
    out += fmt::format("{} {}:{}:{}\n", d["rule"].get<std::string>(), d["file"].get<std::string>(),
                       d["line"].get<int>(), d["column"].get<int>());
  return out;
}

/// `items`, one per line (to compare with findings()).
std::string list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += i + "\n";
  return out;
}

const std::string kPayments = "unresolved-reference services/payments/catalog-info.yaml:17:18";
const std::string kSearch = "unresolved-reference services/search/catalog-info.yaml:15:11";

}  // namespace

TEST_CASE("the org catalog: every way of running finds the planted references, no unknown owner") {
  const std::string dir = org_repo();
  SUBCASE("a walk of the whole repository") {
    const CliRun r = run_cli({"--format", "json"}, dir);
    CHECK(r.exit_code == 0);  // warnings only
    CHECK(findings(r) == list({kPayments, kSearch}));
  }
  SUBCASE("a walk from one service folder") {
    const CliRun r = run_cli({"--format", "json"}, dir + "/services/payments");
    CHECK(r.exit_code == 0);
    CHECK(findings(r) == list({"unresolved-reference catalog-info.yaml:17:18"}));
    // The suggestion comes from the whole org: search-api is defined in services/search.
    CHECK(nlohmann::json::parse(r.out)["diagnostics"][0]["help"] ==
          "did you mean 'api:default/search-api'?");
  }
  SUBCASE("named files") {
    const CliRun r = run_cli({"--format", "json", "services/search/catalog-info.yaml"}, dir);
    CHECK(r.exit_code == 0);
    // dependsOn: [component:payments-api] resolves through the catalog's services/ folder.
    CHECK(findings(r) == list({kSearch}));
    const auto d = nlohmann::json::parse(r.out)["diagnostics"][0];
    CHECK(d["message"] ==
          "system 'serch' (system:default/serch) names no entity in the linted files or the org "
          "catalog");
    CHECK(d["severity"] == "warning");
    CHECK(d["help"] == "did you mean 'system:default/search'?");
  }
  SUBCASE("standard input, named with --stdin-filename") {
    const CliRun r = run_cli(
        {"--format", "json", "--stdin", "--stdin-filename", "services/search/catalog-info.yaml"},
        dir, read_file(dir + "/services/search/catalog-info.yaml"));
    CHECK(r.exit_code == 0);
    CHECK(findings(r) == list({kSearch}));
  }
  SUBCASE("--changed-since: the changed file and the files that mention its entities") {
    const std::string file = dir + "/services/payments/catalog-info.yaml";
    std::string text = read_file(file);
    text.replace(text.find("Takes payments"), 14, "Takes and refunds payments");
    write_file(file, text);
    const CliRun r = run_cli({"--format", "json", "--changed-since", "HEAD"}, dir);
    CHECK(r.exit_code == 0);
    // services/search depends on payments-api: linted too, against the whole org.
    CHECK(findings(r) == list({kPayments, kSearch}));
    CHECK(nlohmann::json::parse(r.out)["summary"]["files"] == 2);
  }
  SUBCASE("--catalog overrides the config's catalog") {
    // Only org/: payments-api (in services/payments) is now unknown to a run of services/search.
    const CliRun r =
        run_cli({"--format", "json", "--catalog", "org", "services/search/catalog-info.yaml"}, dir);
    CHECK(findings(r) ==
          list({kSearch, "unresolved-reference services/search/catalog-info.yaml:17:15"}));
  }
}

TEST_CASE("the org catalog: without a declared catalog, owners get one note, references none") {
  const std::string dir = org_repo();
  // The same tree with a config that names no catalog; known_owners and golden_paths do not
  // change the verdict: each rule that needs the org says once that it did not judge.
  for (const std::string config :
       {"rules: {}\n", "policy:\n  known_owners: [group:default/x]\n  golden_paths: [y]\n"}) {
    CAPTURE(config);
    write_file(dir + "/.catalog-lint.yaml", config);
    const CliRun r = run_cli({"--format", "json", "services/payments/catalog-info.yaml"}, dir);
    CHECK(r.exit_code == 0);
    CHECK(findings(r) == list({"missing-escalation-contact services/payments/catalog-info.yaml:5:1",
                               "unknown-golden-path services/payments/catalog-info.yaml:8:10",
                               "unknown-owner services/payments/catalog-info.yaml:14:10"}));
    const auto j = nlohmann::json::parse(r.out);
    for (const auto& d : j["diagnostics"]) CHECK(d["severity"] == "note");
    CHECK(j["diagnostics"][2]["message"] ==
          "owners are not checked: no org catalog is declared, so a team defined elsewhere "
          "cannot be told from a typo");
    CHECK(j["diagnostics"][2]["help"] ==
          "name the org catalog in .catalog-lint.yaml (`catalog: [path/to/org]`), pass "
          "--catalog PATH, or set `catalog_complete: true` when the linted files are the whole "
          "org");
  }
  // catalog_complete: the repository is the whole org, so a partial run looks the rest up in
  // it (the config's directory and below): the same verdict as a catalog.
  write_file(dir + "/.catalog-lint.yaml", "catalog_complete: true\n");
  const CliRun r = run_cli({"--format", "json", "services/payments/catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(findings(r) == list({kPayments}));
}

TEST_CASE("the org catalog: conflicting-entity against a catalog from another location") {
  const std::string dir = org_repo();
  // A copy of payments-api in another service folder: the catalog (services/) has it from
  // services/payments, so linting the copy alone is a conflict, reported with both places.
  const std::string copy = "services/search/catalog-payments.yaml";
  write_file(dir + "/" + copy, read_file(dir + "/services/payments/catalog-info.yaml"));
  const CliRun r = run_cli({"--format", "json", copy}, dir);
  CHECK(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);
  std::string conflicts;
  for (const auto& d : j["diagnostics"])
    if (d["rule"] == "conflicting-entity")
      conflicts += fmt::format("{}:{} {}\n", d["line"].get<int>(), d["column"].get<int>(),
                               d["message"].get<std::string>());
  CHECK(conflicts ==
        list({"6:9 entity component:default/payments-api is already in the org catalog from "
              "services/payments/catalog-info.yaml:6; Backstage keeps one of them and drops the "
              "other (\"conflicting entityRef\")",
              "23:9 entity api:default/payments-rest is already in the org catalog from "
              "services/payments/catalog-info.yaml:23; Backstage keeps one of them and drops the "
              "other (\"conflicting entityRef\")",
              "36:9 entity resource:default/payments-db is already in the org catalog from "
              "services/payments/catalog-info.yaml:36; Backstage keeps one of them and drops the "
              "other (\"conflicting entityRef\")"}));
  // Both files linted: one cause, one finding — duplicate-entity, not also a conflict.
  const CliRun both = run_cli({"--format", "json", "services"}, dir);
  int dup = 0, conflict = 0;
  const auto all = nlohmann::json::parse(both.out);
  for (const auto& d : all["diagnostics"]) {
    dup += d["rule"] == "duplicate-entity";
    conflict += d["rule"] == "conflicting-entity";
  }
  CHECK(dup == 3);
  CHECK(conflict == 0);
}

TEST_CASE("the org catalog: catalog sources outside the repository or missing are config errors") {
  const std::string dir = org_repo();
  const std::string outside = temp_dir();
  write_file(dir + "/.catalog-lint.yaml", fmt::format("catalog:\n  - org\n  - {}\n", outside));
  CliRun r = run_cli({"services"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find(fmt::format(".catalog-lint.yaml:3:5: error: catalog '{}' resolves to '{}', "
                               "outside the repository",
                               outside, fs::canonical(outside).string())) != std::string::npos);
  CHECK(r.out.find("a config may name as catalog sources only files inside its own repository") !=
        std::string::npos);
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org, orgs]\n");
  r = run_cli({"services"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find(".catalog-lint.yaml:1:16: error: catalog source 'orgs' does not exist "
                   "(looked for 'orgs'); did you mean 'org'? [invalid-config]") !=
        std::string::npos);
  write_file(dir + "/.catalog-lint.yaml", "catalog: [./nothing-like-it]\n");
  r = run_cli({"services"}, dir);
  CHECK(r.out.find("does not exist (looked for 'nothing-like-it') [invalid-config]") !=
        std::string::npos);
  write_file(dir + "/.catalog-lint.yaml", "catalog_complete: yes\n");
  r = run_cli({"services"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find(".catalog-lint.yaml:1:19: error: catalog_complete must be true or false, "
                   "found string") != std::string::npos);
}

TEST_CASE("the org catalog: catalog: is inherited through extends") {
  const std::string dir = org_repo();
  write_file(dir + "/base/org.yaml", "catalog: [../org, ../services]\n");
  write_file(dir + "/.catalog-lint.yaml", "extends: [default, base/org.yaml]\n");
  const CliRun r = run_cli({"--format", "json", "services/search/catalog-info.yaml"}, dir);
  CHECK(findings(r) == list({kSearch}));
}

namespace {

/// Replaces the first `from` in `file` by `to`.
void edit(const std::string& file, const std::string& from, const std::string& to) {
  std::string text = read_file(file);
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  text.replace(at, from.size(), to);
  write_file(file, text);
}

}  // namespace

TEST_CASE("the org catalog: --changed-since reports a removed Group that others still reference") {
  const std::string dir = org_repo();
  // The change renames payments-team (and fixes the parent's children), nothing else.
  edit(dir + "/org/groups.yaml", "  name: payments-team", "  name: payments-squad");
  edit(dir + "/org/groups.yaml", "children: [payments-team,", "children: [payments-squad,");
  const CliRun r = run_cli({"--format", "json", "--changed-since", "HEAD"}, dir);
  CHECK(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);
  // Every file mentions one of the Groups groups.yaml defines (now or at HEAD): 6 files.
  CHECK(j["summary"]["files"] == 6);
  const auto& d = j["diagnostics"][0];
  CHECK(d["rule"] == "removed-entity-referenced");
  CHECK(d["severity"] == "error");
  CHECK(d["file"] == "org/groups.yaml");
  // At the new name: the Group of the same kind the file now defines in its place.
  CHECK(d["line"] == 36);
  CHECK(d["column"] == 9);
  CHECK(d["entity"] == "group:default/payments-squad");
  CHECK(d["help"] ==
        "change the referrers to 'payments-squad' in the same pull request, or keep the name "
        "'payments-team' until they are changed");
  CHECK(d["message"] ==
        "entity group:default/payments-team was renamed to group:default/payments-squad since "
        "'HEAD', but 5 entities "
        "still name it: org/systems.yaml:13:10 (owner of system:default/payments), "
        "org/users.yaml:8:14 (memberOf of user:default/alice), "
        "services/payments/catalog-info.yaml:14:10 (owner of component:default/payments-api), "
        "services/payments/catalog-info.yaml:29:10 (owner of api:default/payments-rest), "
        "services/payments/catalog-info.yaml:42:10 (owner of resource:default/payments-db)");
  CHECK(d["notes"].size() == 5);
  CHECK(d["notes"][4]["message"] == "owner of resource:default/payments-db names it");
  // Without the change there is nothing removed.
  REQUIRE(sh(dir, "git checkout -q -- org/groups.yaml").first == 0);
  const CliRun clean = run_cli({"--format", "json", "--changed-since", "HEAD"}, dir);
  CHECK(clean.exit_code == 0);
  CHECK(findings(clean) == "");
}

TEST_CASE("the org catalog: --changed-since lints the entities a changed Group contact governs") {
  const std::string dir = org_repo();
  // payments-team loses its level-1 contact: the entities it owns lose theirs.
  edit(dir + "/org/groups.yaml",
       "  annotations:\n    platform/escalation-level-1: slack:#payments-oncall, "
       "pagerduty:PPAY001\n",
       "");
  const CliRun r = run_cli({"--format", "json", "--changed-since", "HEAD"}, dir);
  CHECK(r.exit_code == 1);
  CHECK(findings(r) ==
        list({"missing-escalation-contact org/systems.yaml:10:1",
              "missing-escalation-contact services/payments/catalog-info.yaml:5:1",
              "missing-on-call services/payments/catalog-info.yaml:5:1", kPayments,
              "missing-escalation-contact services/payments/catalog-info.yaml:22:1",
              "missing-escalation-contact services/payments/catalog-info.yaml:35:1", kSearch}));
}

TEST_CASE("the org catalog: --changed-since lints the files that mention a renamed entity") {
  const std::string dir = org_repo();
  // Only org/ is the catalog: services/search is linted because it mentions payments-api.
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org]\n");
  REQUIRE(sh(dir, "git -c user.email=t@example.com -c user.name=t commit -qam org-only").first ==
          0);
  edit(dir + "/services/payments/catalog-info.yaml", "name: payments-api", "name: payments-svc");
  const CliRun r = run_cli({"--format", "json", "--changed-since", "HEAD"}, dir);
  CHECK(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["summary"]["files"] == 2);
  CHECK(findings(r) ==
        list({"removed-entity-referenced services/payments/catalog-info.yaml:6:9", kPayments,
              kSearch, "unresolved-reference services/search/catalog-info.yaml:17:15"}));
  CHECK(j["diagnostics"][0]["message"] ==
        "entity component:default/payments-api was renamed to component:default/payments-svc "
        "since 'HEAD', but 1 entity still names it: services/search/catalog-info.yaml:17:15 "
        "(dependsOn of component:default/search)");
}

TEST_CASE("the org catalog: --changed-since reports a deleted entity at the top of its file") {
  const std::string dir = org_repo();
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org]\n");
  REQUIRE(sh(dir, "git -c user.email=t@example.com -c user.name=t commit -qam org-only").first ==
          0);
  // The Component's document goes; no other Component takes its place in the file.
  const std::string file = dir + "/services/payments/catalog-info.yaml";
  std::string text = read_file(file);
  const auto first = text.find("apiVersion:");
  const auto second = text.find("---\n", first);
  REQUIRE(second != std::string::npos);
  text.erase(first, second + 4 - first);
  write_file(file, text);
  const CliRun r = run_cli({"--format", "json", "--changed-since", "HEAD"}, dir);
  CHECK(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);
  const auto& d = j["diagnostics"][0];
  CHECK(d["rule"] == "removed-entity-referenced");
  CHECK(d["file"] == "services/payments/catalog-info.yaml");
  CHECK(d["line"] == 1);
  CHECK(d["column"] == 1);
  CHECK(d["message"] ==
        "entity component:default/payments-api was removed since 'HEAD', but 1 entity still names "
        "it: services/search/catalog-info.yaml:17:15 (dependsOn of component:default/search)");
  CHECK(d["help"] ==
        "keep the entity until the referrers are changed, or change them in the same pull "
        "request");
}

TEST_CASE("the org catalog: a service repository of its own, with a snapshot of the org") {
  // The org repository makes the snapshot; the search team's repository holds only its own file,
  // the snapshot, and `catalog: [.catalog/org.json]`.
  const std::string org = org_repo();
  const std::string service = git_repo();
  fs::create_directories(service + "/.catalog");
  // (The other teams' entities: the search team's own are in its own repository.)
  const CliRun snap =
      run_cli({"snapshot", "org", "services/payments", "-o", service + "/.catalog/org.json"}, org);
  REQUIRE_MESSAGE(snap.exit_code == 0, snap.err);
  write_file(service + "/catalog-info.yaml", read_file(org + "/services/search/catalog-info.yaml"));
  write_file(service + "/.catalog-lint.yaml", "catalog: [.catalog/org.json]\n");
  const CliRun r = run_cli({"--format", "json"}, service);
  CHECK(r.exit_code == 0);
  CHECK(findings(r) == list({"unresolved-reference catalog-info.yaml:15:11"}));
  // A snapshot that cannot be read is an error (exit 2), not an empty org.
  write_file(service + "/.catalog/org.json", "{\"format\": \"something-else\"}\n");
  const CliRun broken = run_cli({"--format", "json"}, service);
  CHECK(broken.exit_code == 2);
  const auto j = nlohmann::json::parse(broken.out);
  CHECK(j["diagnostics"][0]["rule"] == "unreadable-file");
  CHECK(j["diagnostics"][0]["message"].get<std::string>().find(
            "\"format\" is 'something-else', not 'catalog-lint-snapshot'") != std::string::npos);
}

TEST_CASE("the org catalog: hierarchy rules stay linear on a wide and a deep org") {
  // One Group with 3,000 children (each naming it as parent), and a parent chain of 300 Groups
  // that closes into a cycle longer than the 256-step bound: no finding, and no quadratic work.
  const std::string dir = git_repo();
  write_file(dir + "/.catalog-lint.yaml", "catalog_complete: true\n");
  auto group = [](const std::string& name, const std::string& parent, const std::string& children) {
    return "---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: " + name +
           "\nspec:\n  type: team\n" + (parent.empty() ? "" : "  parent: " + parent + "\n") +
           "  children: [" + children + "]\n";
  };
  std::string wide, children;
  for (int i = 0; i < 3000; ++i) {
    children += (i ? ", " : "") + fmt::format("t{}", i);
    wide += group(fmt::format("t{}", i), "root", "");
  }
  wide = group("root", "", children) + wide;
  write_file(dir + "/catalog-wide.yaml", wide);
  std::string deep;
  for (int i = 0; i < 300; ++i)
    deep += group(fmt::format("d{}", i), fmt::format("d{}", (i + 1) % 300),
                  fmt::format("d{}", (i + 299) % 300));
  write_file(dir + "/catalog-deep.yaml", deep);
  const CliRun r = run_cli({"--format", "json", "--rule", "missing-escalation-contact=off",
                            "--rule", "incomplete-org-catalog=off"},
                           dir);
  CHECK(r.exit_code == 0);
  CHECK(findings(r) == "");
}

TEST_CASE("the org catalog: a catalog source that cannot be read stops the judging, not the run") {
  // A truncated snapshot: exit 2 with the reason, and no owner or reference judged against the
  // part of the org that was read (each such rule says once that it did not judge).
  const std::string dir = org_repo();
  write_file(dir + "/org.json", "{\"format\": \"catalog-lint-snapshot\", \"version\": 1, \"ent");
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org.json]\n");
  const CliRun r = run_cli({"--format", "json", "services/payments/catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 2);
  const auto j = nlohmann::json::parse(r.out);
  std::string rules;
  for (const auto& d : j["diagnostics"])
    rules += d["rule"].get<std::string>() + " " + d["severity"].get<std::string>() + "\n";
  CHECK(rules ==
        "unreadable-file error\nmissing-escalation-contact note\nunknown-golden-path note\n"
        "unknown-owner note\n");
  // The notes say why: the catalog could not be read, not that none is declared (new-user trial).
  CHECK(j["diagnostics"][3]["message"] ==
        "owners are not checked: the org catalog could not be read (see the unreadable-file "
        "error), so a team defined elsewhere cannot be told from a typo");
  CHECK(j["diagnostics"][3]["help"] ==
        "repair or refresh the catalog source the unreadable-file error names (catalog-lint "
        "snapshot)");
}

TEST_CASE("the org catalog: a version-2 snapshot read on demand judges as the whole file read") {
  // The same snapshot as version 2 (read on demand) and as version 1 (read whole): the same
  // report, byte for byte, for a one-file lint and for a lint of every service file, with the
  // reference and ownership rules on. The service files are linted against the org without the
  // `org/` folder, so every owner, Group chain and reference is looked up in the snapshot.
  const std::string dir = org_repo();
  const CliRun snap = run_cli({"snapshot", "org", "services", "-o", "snap-v2.json"}, dir);
  REQUIRE_MESSAGE(snap.exit_code == 0, snap.err);
  const std::string v2_text = read_file(dir + "/snap-v2.json");
  REQUIRE(v2_text.starts_with("{\"format\":\"catalog-lint-snapshot\",\"version\":2,"));
  nlohmann::json v1 = nlohmann::json::parse(v2_text);
  v1["version"] = 1;
  v1.erase("count");
  v1.erase("index");
  for (auto& e : v1["entities"]) e.erase("ref");
  write_file(dir + "/snap-v1.json", v1.dump() + "\n");
  auto lint = [&](const std::string& catalog, const std::vector<std::string>& files) {
    std::vector<std::string> args{"--format", "json", "--catalog", catalog};
    for (const std::string& f : files) args.push_back(f);
    return run_cli(args, dir);
  };
  for (const std::vector<std::string>& files :
       {std::vector<std::string>{"services/payments/catalog-info.yaml"},
        std::vector<std::string>{"services/search/catalog-info.yaml"},
        std::vector<std::string>{"services"}}) {
    const CliRun a = lint("snap-v2.json", files);
    const CliRun b = lint("snap-v1.json", files);
    CHECK(a.exit_code == b.exit_code);
    CHECK(a.exit_code != 2);
    std::string expected = b.out;
    for (std::string::size_type at; (at = expected.find("snap-v1.json")) != std::string::npos;)
      expected.replace(at, 12, "snap-v2.json");
    CHECK(a.out == expected);
    CHECK(a.err == b.err);
  }
  CHECK(findings(lint("snap-v2.json", {"services/payments/catalog-info.yaml"})) ==
        list({kPayments}));
}

TEST_CASE("the org catalog: a version-2 snapshot found unreadable on lookup stops the judging") {
  // Every entity line broken after the ref that leads it: the file opens, the first lookup finds
  // it unreadable; as with a snapshot that cannot be read at all, exit 2 and nothing judged.
  const std::string dir = org_repo();
  const CliRun snap = run_cli({"snapshot", "org", "-o", "org.json"}, dir);
  REQUIRE_MESSAGE(snap.exit_code == 0, snap.err);
  std::string text = read_file(dir + "/org.json");
  for (std::string::size_type at = 0;
       (at = text.find(",\"apiVersion\":", at)) != std::string::npos;)
    text.replace(at, 14, ",\"apiVersion\" ");
  write_file(dir + "/org.json", text);
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org.json]\n");
  const std::string expected =
      "unreadable-file error\nmissing-escalation-contact note\nunknown-golden-path note\n"
      "unknown-owner note\n";
  auto rules_of = [](const CliRun& r) {
    std::string rules;
    const auto j = nlohmann::json::parse(r.out);
    for (const auto& d : j["diagnostics"])
      rules += d["rule"].get<std::string>() + " " + d["severity"].get<std::string>() + "\n";
    return rules;
  };
  const CliRun r = run_cli({"--format", "json", "services/payments/catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(rules_of(r) == expected);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["diagnostics"][0]["file"] == "org.json");
  // (The first entity looked up: the Template, for the golden paths.)
  CHECK(j["diagnostics"][0]["message"] ==
        "'org.json': entity 9 of the snapshot (line 11) is not valid JSON: parse error at line 1, "
        "column 85: syntax error while parsing object separator - unexpected string literal; "
        "expected ':'");
  // Truncated after its index: refused on open, the same way.
  write_file(dir + "/org.json", text.substr(0, text.find('\n', text.find('\n') + 1) + 1));
  const CliRun t = run_cli({"--format", "json", "services/payments/catalog-info.yaml"}, dir);
  CHECK(t.exit_code == 2);
  CHECK(rules_of(t) == expected);
  CHECK(nlohmann::json::parse(t.out)["diagnostics"][0]["message"] ==
        "'org.json': it is truncated: its index reaches past the end of the file; write it again "
        "with `catalog-lint snapshot`");
}

TEST_CASE("the org catalog: empty sources and missing designated Groups are warnings") {
  const std::string dir = org_repo();
  // The repository root is a catalog source like any folder inside it (it used to be refused as
  // "outside the repository").
  write_file(dir + "/.catalog-lint.yaml", "catalog: [.]\n");
  CliRun r = run_cli({"--format", "json", "services"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(findings(r) == list({kPayments, kSearch}));
  // A folder that holds only a snapshot yields nothing (folders are read as entity YAML): one
  // warning at the folder names the fix; the platform team is not reported on top of it.
  fs::create_directories(dir + "/snap");
  write_file(dir + "/snap/org.json", "{}\n");
  write_file(dir + "/.catalog-lint.yaml", "catalog: [snap]\n");
  r = run_cli({"services/payments"}, dir);
  CHECK(r.exit_code == 1);  // every owner unknown
  CHECK(r.out.find("snap/:1:1: warning: catalog source 'snap' holds no entities: owners and "
                   "references are judged without it [incomplete-org-catalog]\n"
                   "  = help: a folder source reads entity YAML only; name the snapshot file "
                   "itself (`catalog: [snap/<file>.json]`)\n") != std::string::npos);
  CHECK(r.out.find("platform team") == std::string::npos);
  // A folder that gives entities and also holds a snapshot: the snapshot is not read, and a
  // warning says so (a trial: its entities were missing without a word); not when the snapshot
  // is named too, and not for other JSON (package.json).
  write_file(dir + "/org/live.json",
             "{\"format\": \"catalog-lint-snapshot\", \"version\": 2, \"sources\": []}\n");
  write_file(dir + "/org/package.json", "{\"name\": \"org\"}\n");
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org]\n");
  r = run_cli({"--format", "json", "services/payments"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(findings(r) == list({"incomplete-org-catalog org/:1:1", kPayments}));
  const auto snap = nlohmann::json::parse(r.out);
  CHECK(snap["diagnostics"][0]["severity"] == "warning");
  CHECK(snap["diagnostics"][0]["message"] ==
        "catalog source 'org' holds the snapshot 'org/live.json', which a folder source does not "
        "read: its entities are not in the org catalog");
  CHECK(snap["diagnostics"][0]["help"] ==
        "name the snapshot in `catalog:` too (`catalog: [org, org/live.json]`), or move it out of "
        "the folder");
  fs::remove(dir + "/org/live.json");
  fs::remove(dir + "/org/package.json");
  // An empty folder beside a full one: the same warning, with the generic help.
  fs::create_directories(dir + "/empty");
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org, empty]\n");
  r = run_cli({"--format", "json", "services/payments"}, dir);
  CHECK(r.exit_code == 0);
  CHECK(findings(r) == list({"incomplete-org-catalog empty/:1:1", kPayments}));
  // The human summary counts the warning about the folder apart from the linted file's.
  const CliRun human = run_cli({"services/payments"}, dir);
  CHECK(human.out.substr(human.out.rfind("0 errors")) ==
        "0 errors, 2 warnings in 1 of 1 file, 1 in empty/\n");
  // Two such files: counted, not named.
  fs::create_directories(dir + "/empty2");
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org, empty, empty2]\n");
  const CliRun two = run_cli({"services/payments"}, dir);
  CHECK(two.out.substr(two.out.rfind("0 errors")) ==
        "0 errors, 3 warnings in 1 of 1 file, 2 in 2 files not linted (config, catalog source or "
        "baseline)\n");
  CHECK(nlohmann::json::parse(run_cli({"--format", "json", "services/payments"}, dir)
                                  .out)["summary"]["in_files_not_linted"] == 2);
  fs::remove(dir + "/empty2");
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org, empty]\n");
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["diagnostics"][0]["severity"] == "warning");
  CHECK(j["diagnostics"][0]["help"] ==
        "name a folder or file of entity YAML, a snapshot (catalog-lint snapshot) or a Backstage "
        "API export in `catalog:` of .catalog-lint.yaml, or in --catalog");
  // A platform team the org does not have: once per run, at the value in the config that set
  // it (it was at the first catalog source, `org/:1:1`), with a near miss when the org has one.
  write_file(dir + "/.catalog-lint.yaml",
             "catalog: [org]\npolicy:\n  platform_team: group:default/platform-crew\n");
  r = run_cli({"--format", "json", "--rule", "wrong-escalation-level=off", "services/payments"},
              dir);
  CHECK(r.exit_code == 0);
  CHECK(findings(r) == list({"incomplete-org-catalog .catalog-lint.yaml:3:18", kPayments}));
  j = nlohmann::json::parse(r.out);
  CHECK(j["diagnostics"][0]["message"] ==
        "the platform team 'group:default/platform-crew' (policy.platform_team) is not in the org "
        "catalog: escalation level 2 and escape-hatch approvals name a Group Backstage does not "
        "know");
  CHECK(
      j["diagnostics"][0]["help"] ==
      "add the Group to the org catalog, or set policy.platform_team in .catalog-lint.yaml to the "
      "platform team's Group");
  write_file(dir + "/.catalog-lint.yaml",
             "catalog: [org]\npolicy:\n  platform_team: group:default/platform-tean\n");
  r = run_cli({"--format", "json", "--rule", "wrong-escalation-level=off", "services/payments"},
              dir);
  j = nlohmann::json::parse(r.out);
  CHECK(j["diagnostics"][0]["help"] ==
        "did you mean 'group:default/platform-team'? Set policy.platform_team to it");
  // ... unless policy.known_owners vouches for it; and `off` silences the rule.
  write_file(dir + "/.catalog-lint.yaml",
             "catalog: [org]\npolicy:\n  platform_team: group:default/platform-crew\n"
             "  known_owners: [group:default/platform-crew]\n");
  r = run_cli({"--format", "json", "--rule", "wrong-escalation-level=off", "services/payments"},
              dir);
  CHECK(findings(r) == list({kPayments}));
  write_file(dir + "/.catalog-lint.yaml",
             "catalog: [org, empty]\nrules: {incomplete-org-catalog: off}\n");
  r = run_cli({"--format", "json", "services/payments"}, dir);
  CHECK(findings(r) == list({kPayments}));
  // One folder spelt three ways is one source, reported once (hostile trial).
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org, empty, empty/, ./empty]\n");
  r = run_cli({"--format", "json", "services/payments"}, dir);
  CHECK(findings(r) == list({"incomplete-org-catalog empty/:1:1", kPayments}));
  // print-config shows the sources as resolved, one spelling each (new-user trial: it did not
  // show them at all).
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org, ./empty/]\nskeletons: lint\n");
  const CliRun pc = run_cli({"print-config", "services/payments/catalog-info.yaml"}, dir);
  REQUIRE(pc.exit_code == 0);
  const auto config = nlohmann::json::parse(pc.out);
  CHECK(config["catalog"] == nlohmann::json::array({"org", "empty"}));
  CHECK(config["catalog_complete"] == false);
  CHECK(config["skeletons"] == "lint");
  // No report.levels: the levels the report uses by default (new-user trial: `[]` read as none).
  CHECK(config["report_levels"] ==
        nlohmann::json::parse(
            R"([{"name": "bronze", "require": ["backstage", "ownership"]},
                {"name": "silver", "require": ["escalation", "references", "change-notice"]},
                {"name": "gold", "require": ["golden-paths", "escape-hatches", "cost",
                                             "data-classification", "declarative"]}])"));
  // A FIFO is no source: refused as --catalog refuses it, not read as one with no entities.
  REQUIRE(mkfifo((dir + "/fifo").c_str(), 0600) == 0);
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org, fifo]\n");
  r = run_cli({"services/payments"}, dir);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find(".catalog-lint.yaml:1:16: error: catalog source 'fifo' is not a folder or a "
                   "regular file (a FIFO, socket or device) [invalid-config]") !=
        std::string::npos);
}

TEST_CASE("the org catalog: --allow-extends-from DIR allows DIR itself as a catalog source") {
  // A new user's trial: an org repository checked out beside this one was refused.
  const std::string top = temp_dir();
  const std::string org = top + "/org-repo";
  fs::create_directories(org);
  write_file(org + "/groups.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n"
             "spec:\n  type: team\n  children: []\n");
  const std::string dir = git_repo();
  write_file(dir + "/.catalog-lint.yaml", fmt::format("catalog: [{}]\n", org));
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n"
             "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n");
  CliRun r = run_cli(
      {"--format", "json", "--rule", "incomplete-org-catalog=off", "catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 2);  // outside the repository
  r = run_cli({"--format", "json", "--rule", "incomplete-org-catalog=off", "--allow-extends-from",
               org, "catalog-info.yaml"},
              dir);
  CHECK(r.exit_code == 1);  // the escalation findings of a service with no contacts
  const auto report = nlohmann::json::parse(r.out);  // outlives the loop (not a temporary)
  for (const auto& d : report["diagnostics"]) {
    CHECK(d["rule"] != "unknown-owner");
    CHECK(d["rule"] != "invalid-config");
  }
}

TEST_CASE("unresolved-reference: the same name under another allowed kind is the suggestion") {
  // New-user trial: `dependsOn: [component:orders-db]` beside the Resource orders-db got no
  // did-you-mean (the kinds' names are far apart), and "define a Component or Resource
  // 'component:…'" read oddly.
  const std::string text = R"(apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders
spec:
  type: service
  lifecycle: production
  owner: team-orders
  dependsOn: [component:orders-db, resource:payments-db]
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: orders-db
spec:
  type: database
  owner: team-orders
)";
  const catalog_lint::LintResult r =
      lint_text(text, "unresolved-reference", "test.yaml", "2026-12-01");
  REQUIRE(r.diagnostics.size() == 2);
  CHECK(r.diagnostics[0].start.line == 9);
  CHECK(r.diagnostics[0].start.column == 15);
  CHECK(r.diagnostics[0].message ==
        "dependsOn 'component:orders-db' (component:default/orders-db) names no entity in the "
        "linted files or the org catalog");
  CHECK(r.diagnostics[0].help == "did you mean 'resource:default/orders-db'?");
  CHECK(r.diagnostics[1].help ==
        "define 'resource:default/payments-db' (a Component or Resource may be named here), add "
        "the file that defines it to the org catalog (`catalog:` in .catalog-lint.yaml), or fix "
        "the reference");
}

TEST_CASE(
    "the org catalog: a baseline written before the catalog was declared hides no real owner") {
  const std::string dir = org_repo();
  const std::string file = dir + "/services/payments/catalog-info.yaml";
  std::string text = read_file(file);
  text.replace(text.find("owner: payments-team"), 20, "owner: paymnts-team");
  write_file(file, text);
  // No catalog yet: the owner gets the "not checked" note, which the baseline does not record.
  write_file(dir + "/.catalog-lint.yaml", "rules: {}\n");
  const CliRun write = run_cli(
      {"--format", "json", "--write-baseline", "b.json", "services/payments/catalog-info.yaml"},
      dir);
  CHECK(write.exit_code == 0);
  CHECK(findings(write) ==
        list({"missing-escalation-contact services/payments/catalog-info.yaml:5:1",
              "unknown-golden-path services/payments/catalog-info.yaml:8:10",
              "unknown-owner services/payments/catalog-info.yaml:14:10"}));
  CHECK(nlohmann::json::parse(read_file(dir + "/b.json"))["findings"] == nlohmann::json::array());
  CHECK(write.err == "catalog-lint: recorded 0 findings in baseline 'b.json'\n");
  // The catalog declared: the typo is an error, and the baseline does not hide it.
  write_file(dir + "/.catalog-lint.yaml", "catalog: [org, services]\n");
  const CliRun r = run_cli(
      {"--format", "json", "--baseline", "b.json", "services/payments/catalog-info.yaml"}, dir);
  CHECK(r.exit_code == 1);
  CHECK(findings(r) ==
        list({"unknown-owner services/payments/catalog-info.yaml:14:10", kPayments}));
}
