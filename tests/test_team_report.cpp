// `catalog-lint report` (issue 15, docs/report.md): figures of testdata/report (a department over
// two teams, an unowned service) computed by hand, the JSON schema, --merge of two halves,
// --compare, markdown, HTML in headless Chromium, and hostile report inputs.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "core/config.h"
#include "core/config_error.h"
#include "report/team_report.h"
#include "util.h"

#ifdef CATALOG_LINT_HAVE_VALIJSON
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#endif

namespace fs = std::filesystem;
using nlohmann::json;
using namespace catalog_lint::test;

namespace {

constexpr const char* kToday = "2026-12-01";

// The report of `paths` in the committed copy `dir` of testdata/report.
json report_of(const std::string& dir, std::vector<std::string> paths) {
  std::vector<std::string> args = {"report", "--format", "json", "--today", kToday};
  args.insert(args.end(), paths.begin(), paths.end());
  const CliRun run = run_cli(args, dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  return json::parse(run.out);
}

// The item of `report[list]` whose "ref" is `ref`.
const json& by_ref(const json& report, const char* list, const std::string& ref) {
  for (const json& t : report[list])
    if (t["ref"] == ref) return t;
  FAIL("no " << list << " item " << ref);
  static const json none;
  return none;
}

const json& team(const json& report, const std::string& ref) {
  return by_ref(report, "teams", ref);
}

// "ref area=state" of each entity, for one area.
std::vector<std::string> states(const json& report, const std::string& area) {
  std::vector<std::string> out;
  for (const json& e : report["entities"])
    out.push_back(e["ref"].get<std::string>() + " " + e["areas"][area].get<std::string>());
  return out;
}

std::vector<std::string> rules_of(const json& entity) {
  std::vector<std::string> out;
  for (const json& f : entity["findings"]) out.push_back(f["rule"]);
  return out;
}

const json& entity(const json& report, const std::string& ref) {
  return by_ref(report, "entities", ref);
}

// Replaces the first `from` in the file `path` by `to`; `from` must be there.
void edit(const std::string& path, const std::string& from, const std::string& to) {
  std::string text = read_file(path);
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  text.replace(at, from.size(), to);
  write_file(path, text);
}

// The row of team `ref` in a comparison.
const json& change_of(const json& comparison, const std::string& ref) {
  return by_ref(comparison, "teams", ref);
}

}  // namespace

TEST_CASE("team report: testdata/report figures, by hand") {
  const std::string dir = committed_copy("report");
  const json r = report_of(dir, {"half-a", "half-b"});
  CHECK(r["report_version"] == 1);
  CHECK(r["today"] == kToday);
  REQUIRE(r["entities"].size() == 8);
  // Findings per entity (the rules' own behaviour; each listed here by hand from the files).
  CHECK(rules_of(entity(r, "component:default/checkout")).empty());
  CHECK(rules_of(entity(r, "component:default/cart")) ==
        std::vector<std::string>{"missing-golden-path"});
  CHECK(rules_of(entity(r, "component:default/coupons")) ==
        std::vector<std::string>{"expiring-escape-hatch"});
  CHECK(rules_of(entity(r, "component:default/gift-cards")) ==
        (std::vector<std::string>{"missing-escalation-contact", "short-deprecation-notice",
                                  "owner-is-user"}));
  CHECK(rules_of(entity(r, "component:default/legacy-batch")) ==
        (std::vector<std::string>{"missing-cost-center", "missing-golden-path", "unknown-owner"}));
  CHECK(rules_of(entity(r, "resource:default/payments-cache")) ==
        std::vector<std::string>{"missing-data-classification"});
  // Area states: golden paths apply to service/website Components without an escape hatch.
  CHECK(states(r, "golden-paths") ==
        std::vector<std::string>{
            "component:default/cart fail", "component:default/checkout pass",
            "component:default/coupons not-applicable", "component:default/gift-cards pass",
            "component:default/legacy-batch fail", "component:default/payments-api pass",
            "resource:default/payments-cache not-applicable",
            "resource:default/payments-db not-applicable"});
  CHECK(states(r, "change-notice")[3] == "component:default/gift-cards fail");
  CHECK(states(r, "change-notice")[0] == "component:default/cart not-applicable");

  // Teams: commerce (department) rolls up checkout-team (4, gift-cards through jdoe) and
  // payments-team (3); legacy-batch's owner is unknown.
  std::vector<std::string> refs;
  for (const json& t : r["teams"]) refs.push_back(t["ref"]);
  CHECK(refs == std::vector<std::string>{"group:default/checkout-team", "group:default/commerce",
                                         "group:default/payments-team", "unowned"});
  const json& checkout = team(r, "group:default/checkout-team");
  const json& commerce = team(r, "group:default/commerce");
  const json& payments = team(r, "group:default/payments-team");
  const json& unowned = team(r, "unowned");
  CHECK(checkout["entities"] == 4);
  CHECK(checkout["direct_entities"] == 4);
  CHECK(checkout["parent"] == "group:default/commerce");
  CHECK(payments["entities"] == 3);
  CHECK(commerce["entities"] == 7);
  CHECK(commerce["direct_entities"] == 0);
  CHECK(commerce["type"] == "department");
  CHECK(unowned["entities"] == 1);
  CHECK(r["org"]["entities"] == 8);
  CHECK(checkout["kinds"] == json{{"component", 4}});
  CHECK(checkout["lifecycles"] == json{{"deprecated", 1}, {"experimental", 1}, {"production", 2}});
  CHECK(payments["kinds"] == json{{"component", 1}, {"resource", 2}});
  CHECK(payments["lifecycles"] == json{{"none", 2}, {"production", 1}});
  // Findings per area: checkout has 5 (golden path, escape hatch, and gift-cards' ownership,
  // escalation (a User owner gives no level-1 contact) and change notice).
  CHECK(checkout["findings"]["total"] == 5);
  CHECK(checkout["findings"]["by_area"]["escalation"] == 1);
  CHECK(checkout["findings"]["by_area"]["golden-paths"] == 1);
  CHECK(checkout["findings"]["by_area"]["escape-hatches"] == 1);
  CHECK(checkout["findings"]["by_area"]["ownership"] == 1);
  CHECK(checkout["findings"]["by_area"]["change-notice"] == 1);
  CHECK(payments["findings"]["total"] == 1);
  CHECK(payments["findings"]["by_area"]["data-classification"] == 1);
  CHECK(commerce["findings"]["total"] == 6);
  CHECK(r["org"]["findings"]["total"] == 9);
  CHECK(r["org"]["findings"]["by_severity"] == json{{"error", 4}, {"warning", 5}, {"note", 0}});
  // Golden paths in checkout: checkout and gift-cards pass, cart fails, coupons is escape-hatched.
  CHECK(checkout["areas"]["golden-paths"] == json{{"pass", 2},
                                                  {"fail", 1},
                                                  {"not_applicable", 1},
                                                  {"not_measured", 0},
                                                  {"share", 2.0 / 3.0}});
  // Data classification applies only to payments' two data stores: one of them has one.
  CHECK(payments["areas"]["data-classification"] ==
        json{{"pass", 1}, {"fail", 1}, {"not_applicable", 1}, {"not_measured", 0}, {"share", 0.5}});
  // Levels: bronze = backstage + ownership; gift-cards fails ownership (owner-is-user), so
  // checkout's level is none; silver adds escalation, references, change notice; gold the rest.
  CHECK(entity(r, "component:default/checkout")["level"] == "gold");
  CHECK(entity(r, "component:default/cart")["level"] == "silver");
  CHECK(entity(r, "component:default/coupons")["level"] == "silver");
  CHECK(entity(r, "component:default/gift-cards")["level"].is_null());
  CHECK(entity(r, "resource:default/payments-cache")["level"] == "silver");
  CHECK(checkout["level"].is_null());
  CHECK(checkout["levels"]["bronze"] == json{{"reached", 3}, {"share", 0.75}});
  CHECK(checkout["levels"]["gold"] == json{{"reached", 1}, {"share", 0.25}});
  CHECK(payments["level"] == "silver");
  CHECK(payments["levels"]["gold"] == json{{"reached", 2}, {"share", 2.0 / 3.0}});
  // KPIs. Org: golden paths 3 of 5 (cart, legacy-batch fail); security 4 of 8 (coupons'
  // hatch, gift-cards' and legacy-batch's owners, payments-cache's classification fail); cost
  // 7 of 8 (legacy-batch); escalation 6 of 7 (gift-cards fails; legacy-batch's owner is unknown,
  // so its escalation is not measured).
  const json& kpis = r["org"]["kpis"];
  CHECK(kpis["golden_path_adoption"] == json{{"numerator", 3}, {"denominator", 5}, {"share", 0.6}});
  CHECK(kpis["security_compliance"] == json{{"numerator", 4}, {"denominator", 8}, {"share", 0.5}});
  CHECK(kpis["cost_attribution"] == json{{"numerator", 7}, {"denominator", 8}, {"share", 0.875}});
  CHECK(kpis["escalation_coverage"] ==
        json{{"numerator", 6}, {"denominator", 7}, {"share", 6.0 / 7.0}});
  CHECK(checkout["kpis"]["golden_path_adoption"] ==
        json{{"numerator", 2}, {"denominator", 3}, {"share", 2.0 / 3.0}});
  CHECK(payments["kpis"]["cost_attribution"] ==
        json{{"numerator", 3}, {"denominator", 3}, {"share", 1.0}});
  // Inventories: the escape hatch (9 days left), the deprecated entity (7 days' notice of 14).
  const json& hatches = checkout["inventories"]["escape_hatches"];
  REQUIRE(hatches.size() == 1);
  CHECK(hatches[0]["entity"] == "component:default/coupons");
  CHECK(hatches[0]["reason"] == "experimental");
  CHECK(hatches[0]["approval"] == "PLAT-77");
  CHECK(hatches[0]["approved_by"] == "group:default/platform-team");
  CHECK(hatches[0]["expires"] == "2026-12-10");
  CHECK(hatches[0]["monitoring"] == "https://grafana.example.com/d/coupons");
  CHECK(hatches[0]["days_left"] == 9);
  CHECK(hatches[0]["state"] == "open");
  const json& deprecated = checkout["inventories"]["deprecated"];
  REQUIRE(deprecated.size() == 1);
  CHECK(deprecated[0] == json{{"entity", "component:default/gift-cards"},
                              {"deprecated_on", "2026-11-20"},
                              {"sunset_date", "2026-11-27"},
                              {"notice_days", 7},
                              {"required_notice_days", 14},
                              {"days_to_sunset", -4}});
  CHECK(checkout["inventories"]["outside_golden_path"] ==
        json{"component:default/cart", "component:default/coupons"});
  CHECK(payments["inventories"]["missing_data_classification"] ==
        json{"resource:default/payments-cache"});
  CHECK(unowned["inventories"]["missing_cost_center"] == json{"component:default/legacy-batch"});
}

TEST_CASE("team report: the JSON validates against schemas/team-report.schema.json") {
#ifdef CATALOG_LINT_HAVE_VALIJSON
  const json schema_doc = json::parse(read_file(source_dir() + "/schemas/team-report.schema.json"));
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
  parser.populateSchema(schema_adapter, schema);
  const std::string dir = committed_copy("report");
  const std::string example = committed_copy("policy/example-org");
  // A comparison with an entity that changed team, and a merge of reports of two days.
  REQUIRE(run_cli({"report", "--today", kToday, "--format", "json", "-o", "old.json", "half-a",
                   "half-b"},
                  dir)
              .exit_code == 0);
  REQUIRE(run_cli({"report", "--today", "2026-11-30", "--format", "json", "-o", "b.json", "half-b"},
                  dir)
              .exit_code == 0);
  edit(dir + "/half-b/payments.yaml", "owner: nobody-team", "owner: payments-team");
  const CliRun compared = run_cli({"report", "--today", kToday, "--format", "json", "--compare",
                                   "old.json", "half-a", "half-b"},
                                  dir);
  REQUIRE_MESSAGE(compared.exit_code == 0, compared.err);
  const CliRun merged = run_cli({"report", "--merge", "old.json", "b.json", "--mixed-dates",
                                 "--allow-duplicate-entities", "--format", "json"},
                                dir);
  REQUIRE_MESSAGE(merged.exit_code == 0, merged.err);
  const json with_moves = json::parse(compared.out), mixed = json::parse(merged.out);
  REQUIRE(with_moves["comparison"]["org"]["entities_moved"].size() == 1);
  REQUIRE(mixed["merged_dates"].size() == 2);
  for (const json& r :
       {report_of(dir, {"half-a", "half-b"}), report_of(example, {"."}), with_moves, mixed}) {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(r);
    const bool ok = validator.validate(schema, target, &results);
    std::string why;
    valijson::ValidationResults::Error e;
    while (results.popError(e))
      why += fmt::format("{}: {}\n", fmt::join(e.context, ""), e.description);
    CHECK_MESSAGE(ok, why);
  }
#else
  skip("valijson (Debian package libvalijson-dev) is not installed: the schema is not checked");
#endif
}

TEST_CASE("team report: --merge of two halves equals the report of both linted at once") {
  const std::string dir = committed_copy("report");
  const json whole = report_of(dir, {"half-a", "half-b"});
  const CliRun a =
      run_cli({"report", "--today", kToday, "--format", "json", "-o", "a.json", "half-a"}, dir);
  REQUIRE_MESSAGE(a.exit_code == 0, a.err);
  const CliRun b = run_cli({"report", "--today", kToday, "--format=json=b.json", "half-b"}, dir);
  REQUIRE_MESSAGE(b.exit_code == 0, b.err);
  // Each half alone: half-b has payments (3) and the unowned service.
  const json half_b = json::parse(read_file(dir + "/b.json"));
  CHECK(half_b["org"]["entities"] == 4);
  const CliRun m = run_cli({"report", "--merge", "a.json", "b.json", "--format", "json"}, dir);
  REQUIRE_MESSAGE(m.exit_code == 0, m.err);
  json merged = json::parse(m.out);
  json expected = whole;
  // `sources` records what each run linted: the only part that differs.
  CHECK(merged["sources"] == json{"half-a", "half-b"});
  merged.erase("sources");
  expected.erase("sources");
  CHECK(merged == expected);
  CHECK(team(merged, "group:default/commerce")["entities"] == 7);
}

namespace {
// The JSON reports of the two halves of testdata/report: `a.json` (half-a), `b.json` (half-b).
void write_half_reports(const std::string& dir) {
  REQUIRE(run_cli({"report", "--today", kToday, "--format", "json", "-o", "a.json", "half-a"}, dir)
              .exit_code == 0);
  REQUIRE(run_cli({"report", "--today", kToday, "--format", "json", "-o", "b.json", "half-b"}, dir)
              .exit_code == 0);
}
}  // namespace

TEST_CASE("team report: a merged report keeps each repository's name and link template") {
  // A trial: the merged report of two repositories listed sources [".", "."] and linked every
  // finding with one --source-url, so half the links went to the wrong repository.
  const std::string dir = committed_copy("report");
  const CliRun a = run_cli(
      {"report", "--today", kToday, "--format", "json", "-o", "a.json", "--repository", "shop-a",
       "--source-url", "https://git.example/shop-a/blob/main/{path}#L{line}", "half-a"},
      dir);
  REQUIRE_MESSAGE(a.exit_code == 0, a.err);
  const CliRun b = run_cli({"report", "--today", kToday, "--format", "json", "-o", "b.json",
                            "--repository", "shop-b", "half-b"},
                           dir);
  REQUIRE_MESSAGE(b.exit_code == 0, b.err);
  const json ra = json::parse(read_file(dir + "/a.json"));
  CHECK(ra["repositories"] == json::parse(R"([{"name": "shop-a", "source_url":
                    "https://git.example/shop-a/blob/main/{path}#L{line}", "sources": ["half-a"]}])"));
  CHECK(entity(ra, "component:default/cart")["repository"] == "shop-a");

  const CliRun m =
      run_cli({"report", "--merge", "a.json", "b.json", "--format", "json", "-o", "m.json",
               "--format", "html", "-o", "m.html", "--source-url",
               "https://git.example/{repository}/blob/main/{path}#L{line}", "--format", "markdown"},
              dir);
  REQUIRE_MESSAGE(m.exit_code == 0, m.err);
  const json merged = json::parse(read_file(dir + "/m.json"));
  CHECK(merged["repositories"] == json::parse(R"([{"name": "shop-a", "source_url":
                    "https://git.example/shop-a/blob/main/{path}#L{line}", "sources": ["half-a"]},
                    {"name": "shop-b", "source_url":
                    "https://git.example/{repository}/blob/main/{path}#L{line}", "sources":
                    ["half-b"]}])"));
  CHECK(entity(merged, "component:default/cart")["repository"] == "shop-a");
  CHECK(entity(merged, "component:default/legacy-batch")["repository"] == "shop-b");
  CHECK(m.out.find("Merged from 2 repositories: shop-a, shop-b.\n") != std::string::npos);
  // Each finding names its repository; shop-a's link is its own template, shop-b's (which
  // recorded none) the merge's --source-url with {repository}, now recorded for it.
  const std::string html = read_file(dir + "/m.html");
  CHECK(html.find("<p id=\"repositories\" class=\"muted\">2 repositories: shop-a, shop-b</p>") !=
        std::string::npos);
  // The repository is an element of its own before the link (as "repo: path:line" text it was
  // ambiguous for a name holding ": ").
  CHECK(html.find("<td><span class=\"repository\">shop-a</span> <a "
                  "href=\"https://git.example/shop-a/blob/main/half-a/checkout.yaml#L17\">"
                  "half-a/checkout.yaml:17</a></td>") != std::string::npos);
  CHECK(html.find("<td><span class=\"repository\">shop-b</span> <a "
                  "href=\"https://git.example/shop-b/blob/main/half-b/payments.yaml#L45\">"
                  "half-b/payments.yaml:45</a></td>") != std::string::npos);
  // Without a merge --source-url, shop-b's findings are not links.
  const CliRun plain = run_cli({"report", "--merge", "a.json", "b.json", "--format", "html"}, dir);
  REQUIRE_MESSAGE(plain.exit_code == 0, plain.err);
  CHECK(
      plain.out.find("<td><span class=\"repository\">shop-b</span> half-b/payments.yaml:45</td>") !=
      std::string::npos);
  CHECK(plain.out.find("https://git.example/shop-a/blob/main/half-a/checkout.yaml#L17") !=
        std::string::npos);

  // One repository in two reports (a monorepo linted by two jobs): one entry, sources gathered;
  // with two link templates it is refused.
  REQUIRE(run_cli({"report", "--today", kToday, "--format", "json", "-o", "b2.json", "--repository",
                   "shop-a", "half-b"},
                  dir)
              .exit_code == 0);
  const CliRun clash = run_cli({"report", "--merge", "a.json", "b2.json", "--format", "json"}, dir);
  CHECK(clash.exit_code == 2);
  CHECK(clash.out.empty());
  CHECK(clash.err ==
        "catalog-lint: error: repository 'shop-a' has the link template "
        "'https://git.example/shop-a/blob/main/{path}#L{line}' in 'a.json' and none in 'b2.json'; "
        "give every report of one repository the same --source-url (two repositories checked "
        "out in folders of one name: give each run its own --repository NAME)\n");
  REQUIRE(run_cli({"report", "--today", kToday, "--format", "json", "-o", "a2.json", "--repository",
                   "shop-a", "half-a"},
                  dir)
              .exit_code == 0);
  const CliRun mono = run_cli({"report", "--merge", "a2.json", "b2.json", "--format", "json"}, dir);
  REQUIRE_MESSAGE(mono.exit_code == 0, mono.err);
  CHECK(
      json::parse(mono.out)["repositories"] ==
      json::parse(R"([{"name": "shop-a", "source_url": null, "sources": ["half-a", "half-b"]}])"));
  CHECK(plain.out.find("2 repositories") != std::string::npos);
}

TEST_CASE("team report: --repository is checked; its default is the repository root's name") {
  const std::string dir = committed_copy("report");
  const json r = report_of(dir, {"half-a"});
  const std::string folder = fs::path(dir).filename().string();
  CHECK(r["repositories"] ==
        json::array(
            {{{"name", folder}, {"source_url", nullptr}, {"sources", json::array({"half-a"})}}}));
  // Run from a sub-folder, the name is still the root's.
  const CliRun sub =
      run_cli({"report", "--today", kToday, "--format", "json", "."}, dir + "/half-a");
  REQUIRE_MESSAGE(sub.exit_code == 0, sub.err);
  CHECK(json::parse(sub.out)["repositories"][0]["name"] == folder);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--repository", ""}, "--repository '': a repository name cannot be empty"},
      {{"--repository", "a\x1b[2Jb"},  // ESC is shown as U+241B, not sent to the terminal
       "--repository 'a\u241b[2Jb': a repository name cannot hold a control character"},
      {{"--repository", std::string(257, 'r')},
       "--repository '" + std::string(257, 'r') +
           "': a repository name is at most 256 bytes, not 257"},
  };
  for (const auto& [extra, message] : cases) {
    std::vector<std::string> args = {"report", "--format", "json", "half-a"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliRun run = run_cli(args, dir);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err == "catalog-lint: error: " + message + "\n");
  }
  write_half_reports(dir);
  const CliRun merge = run_cli({"report", "--merge", "a.json", "b.json", "--repository", "x"}, dir);
  CHECK(merge.exit_code == 2);
  CHECK(merge.err ==
        "catalog-lint: error: report --merge does not take --repository: each merged report "
        "names its own (give --repository to the runs that make the reports)\n");
  // A report whose entity names a repository it does not list is refused.
  json bad = json::parse(read_file(dir + "/a.json"));
  bad["entities"][1]["repository"] = "elsewhere";
  write_file(dir + "/bad.json", bad.dump());
  const CliRun refused = run_cli({"report", "--merge", "bad.json", "b.json"}, dir);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err ==
        "catalog-lint: error: --merge 'bad.json': entities[1].repository 'elsewhere' is not in "
        "repositories\n");
}

TEST_CASE("team report: a report's recorded repositories are checked like the options") {
  // A hostile trial: a hand-edited report carried `javascript:` as its link template into the
  // merged HTML; a copied report of file-level findings only counted them twice; a report of an
  // earlier build (no `repositories`) gave links with an empty {repository}; a repository name
  // with markdown made live links in the job summary.
  const std::string dir = committed_copy("report");
  write_half_reports(dir);
  json a = json::parse(read_file(dir + "/a.json"));
  auto refused = [&](const json& report, const std::string& message) {
    write_file(dir + "/x.json", report.dump());
    const CliRun run = run_cli({"report", "--merge", "x.json", "--format", "html"}, dir);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err == "catalog-lint: error: --merge 'x.json': " + message + "\n");
  };
  json bad = a;
  bad["repositories"][0]["source_url"] = "javascript:alert(1)//{path}";
  refused(bad, "repositories[0].source_url: a link template must start with https:// or http://");
  bad["repositories"][0]["source_url"] = "https://x/\u202e{path}";
  refused(bad,
          "repositories[0].source_url: a link template cannot hold a bidirectional override (it "
          "would show as another text)");
  bad = a;
  bad["repositories"][0]["name"] = "a\u0085b";
  refused(bad, "repositories[0].name: a repository name cannot hold a control character");
  bad = a;
  bad["entities"][0].erase("repository");
  refused(bad, "entities[0].repository is missing");

  // The same source of one repository in two reports: refused, or kept once when allowed.
  fs::create_directories(dir + "/bad1");
  write_file(dir + "/bad1/broken.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x\n");
  REQUIRE(run_cli({"report", "--today", kToday, "--format", "json", "-o", "u1.json", "bad1"}, dir)
              .exit_code == 0);
  fs::copy_file(dir + "/u1.json", dir + "/u2.json");
  const CliRun twice =
      run_cli({"report", "--merge", "u1.json", "u2.json", "--format", "json"}, dir);
  CHECK(twice.exit_code == 2);
  const std::string repo = fs::path(dir).filename().string();
  CHECK(twice.err ==
        "catalog-lint: error: repository '" + repo +
            "' has the source 'bad1' in both 'u1.json' and 'u2.json': the same files linted twice "
            "would count their findings twice; give each report once (each job its own paths), or "
            "give --allow-duplicate-entities to keep one record of each (two repositories "
            "checked out in folders of one name: give each run its own --repository NAME)\n");
  const CliRun kept = run_cli(
      {"report", "--merge", "u1.json", "u2.json", "--allow-duplicate-entities", "--format", "json"},
      dir);
  REQUIRE_MESSAGE(kept.exit_code == 0, kept.err);
  const json once = json::parse(kept.out);
  CHECK(once["unattributed_findings"].size() == 1);
  CHECK(once["org"]["findings"]["total"] == 1);
  CHECK(kept.err == "catalog-lint: warning: --merge: repository '" + repo +
                        "' has the source 'bad1' in both 'u1.json' and 'u2.json': each file-level "
                        "finding of it is kept once\n");

  // A report of an earlier build is one repository named after its file.
  json earlier = json::parse(read_file(dir + "/b.json"));
  earlier.erase("repositories");
  for (json& e : earlier["entities"]) e.erase("repository");
  write_file(dir + "/earlier.json", earlier.dump());
  const CliRun mixed = run_cli({"report", "--merge", "a.json", "earlier.json", "--format", "json",
                                "--source-url", "https://git.example/{repository}/{path}#L{line}"},
                               dir);
  REQUIRE_MESSAGE(mixed.exit_code == 0, mixed.err);
  const json m = json::parse(mixed.out);
  CHECK(m["repositories"] == json::parse(R"([{"name": ")" + repo + R"(", "source_url":
                    "https://git.example/{repository}/{path}#L{line}", "sources": ["half-a"]},
                    {"name": "earlier.json", "source_url":
                    "https://git.example/{repository}/{path}#L{line}", "sources": ["half-b"]}])"));
  CHECK(entity(m, "component:default/legacy-batch")["repository"] == "earlier.json");

  // Markdown: a name cannot make a link, an image or emphasis.
  REQUIRE(
      run_cli({"report", "--today", kToday, "--format", "json", "-o", "evil.json", "--repository",
               "[click](https://evil.example/x) **b** ![i](https://e/i.png)", "half-b"},
              dir)
          .exit_code == 0);
  const CliRun summary = run_cli({"report", "--merge", "a.json", "evil.json"}, dir);
  REQUIRE_MESSAGE(summary.exit_code == 0, summary.err);
  CHECK(summary.out.find("Merged from 2 repositories: " + repo +
                         ", \\[click\\](https://evil.example/x) \\*\\*b\\*\\* "
                         "!\\[i\\](https://e/i.png).\n") != std::string::npos);
}

TEST_CASE("team report: --merge refuses one file given twice, under any name") {
  // A trial: `--merge a.json a.json` was accepted and counted its sources and unattributed
  // findings twice. Another spelling of the path, a hard link and a symbolic link are the same
  // file.
  const std::string dir = committed_copy("report");
  write_half_reports(dir);
  fs::create_hard_link(dir + "/a.json", dir + "/hard.json");
  fs::create_symlink("b.json", dir + "/soft.json");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"a.json", "b.json", "a.json"}, "'a.json' is the same file as 'a.json'"},
      {{"./b.json", "a.json", "b.json"}, "'b.json' is the same file as './b.json'"},
      {{"a.json", "half-a/../a.json"}, "'half-a/../a.json' is the same file as 'a.json'"},
      {{"a.json", "hard.json"}, "'hard.json' is the same file as 'a.json'"},
      {{"b.json", "soft.json"}, "'soft.json' is the same file as 'b.json'"},
  };
  for (const auto& [files, message] : cases) {
    std::vector<std::string> args = {"report", "--format", "json", "--merge"};
    args.insert(args.end(), files.begin(), files.end());
    CAPTURE(fmt::format("{}", fmt::join(args, " ")));
    const CliRun run = run_cli(args, dir);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err ==
          fmt::format("catalog-lint: error: --merge {}: give each report once\n", message));
  }
  // Each once: merged.
  const CliRun once =
      run_cli({"report", "--format", "json", "--merge", "hard.json", "soft.json"}, dir);
  REQUIRE_MESSAGE(once.exit_code == 0, once.err);
  CHECK(json::parse(once.out)["org"]["entities"] == 8);
  CHECK(json::parse(once.out)["sources"] == json{"half-a", "half-b"});
}

TEST_CASE("team report: --merge reports an entity in two reports; exit 2 unless allowed") {
  // A trial: the same entity ref in two repositories' reports was merged silently (the first
  // record won, the other's findings were lost).
  const std::string dir = committed_copy("report");
  write_half_reports(dir);
  const json a = json::parse(read_file(dir + "/a.json"));
  // c.json: half-b's report with another repository's definition of cart (no findings there).
  json c = json::parse(read_file(dir + "/b.json"));
  json cart = entity(a, "component:default/cart");
  REQUIRE(rules_of(cart) == std::vector<std::string>{"missing-golden-path"});
  cart["findings"] = json::array();
  c["entities"].push_back(cart);
  write_file(dir + "/c.json", c.dump());
  write_file(dir + "/copy.json", a.dump());
  json inner = a;
  inner["entities"].push_back(entity(a, "component:default/cart"));
  write_file(dir + "/inner.json", inner.dump());
  const std::string advice =
      "; define each entity in one repository, or give --allow-duplicate-entities to keep the "
      "first report's record\n";
  const std::vector<std::pair<std::vector<std::string>, std::string>> refused = {
      {{"a.json", "c.json"}, "entity 'component:default/cart' is in both 'a.json' and 'c.json'"},
      {{"c.json", "a.json"}, "entity 'component:default/cart' is in both 'c.json' and 'a.json'"},
      {{"a.json", "copy.json"},
       "entity 'component:default/cart' is in both 'a.json' and 'copy.json' (and 3 more "
       "repeated entities)"},
      {{"inner.json"}, "entity 'component:default/cart' is twice in 'inner.json'"},
  };
  for (const auto& [files, message] : refused) {
    std::vector<std::string> args = {"report", "--format", "json", "--merge"};
    args.insert(args.end(), files.begin(), files.end());
    CAPTURE(fmt::format("{}", fmt::join(args, " ")));
    const CliRun run = run_cli(args, dir);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err == "catalog-lint: error: " + message + advice);
  }
  // --allow-duplicate-entities keeps the first report's record and names each duplicate.
  const CliRun kept = run_cli(
      {"report", "--format", "json", "--merge", "a.json", "c.json", "--allow-duplicate-entities"},
      dir);
  REQUIRE_MESSAGE(kept.exit_code == 0, kept.err);
  CHECK(kept.err ==
        "catalog-lint: warning: --merge: entity 'component:default/cart' is in both 'a.json' and "
        "'c.json': the record of 'a.json' is kept\n");
  const json merged = json::parse(kept.out);
  CHECK(merged["org"]["entities"] == 8);
  CHECK(rules_of(entity(merged, "component:default/cart")) ==
        std::vector<std::string>{"missing-golden-path"});
  // At most 10 warnings, then a count.
  json many = a;
  for (int k = 0; k < 11; ++k) many["entities"].push_back(entity(a, "component:default/cart"));
  write_file(dir + "/many.json", many.dump());
  const CliRun counted = run_cli(
      {"report", "--format", "json", "--merge", "many.json", "--allow-duplicate-entities"}, dir);
  REQUIRE_MESSAGE(counted.exit_code == 0, counted.err);
  std::string expected;
  for (int k = 0; k < 10; ++k)
    expected +=
        "catalog-lint: warning: --merge: entity 'component:default/cart' is twice in 'many.json': "
        "the record of 'many.json' is kept\n";
  expected +=
      "catalog-lint: warning: --merge: 1 more repeated entity: the first record of each is kept\n";
  CHECK(counted.err == expected);
  CHECK(json::parse(counted.out)["org"]["entities"] == 4);
  // The flag belongs to --merge.
  const CliRun alone = run_cli({"report", "--allow-duplicate-entities", "half-a"}, dir);
  CHECK(alone.exit_code == 2);
  CHECK(alone.err ==
        "catalog-lint: error: report --allow-duplicate-entities applies to --merge only\n");
}

TEST_CASE("team report: --compare shows level moves, findings added and fixed, escape hatches") {
  const std::string dir = committed_copy("report");
  const CliRun before = run_cli(
      {"report", "--today", kToday, "--format", "json", "-o", "old.json", "half-a", "half-b"}, dir);
  REQUIRE_MESSAGE(before.exit_code == 0, before.err);
  // The change: payments-cache gets its classification (payments: silver -> gold), cart loses
  // its pagerduty id? no: cart gets a golden path; checkout opens an escape hatch that expired.
  std::string payments = read_file(dir + "/half-b/payments.yaml");
  const std::string cache = "    platform/cost-center: cc-4100\nspec:\n  type: datastore";
  REQUIRE(payments.find(cache) != std::string::npos);
  payments.replace(payments.find(cache), cache.size(),
                   "    platform/cost-center: cc-4100\n    platform/data-classification: "
                   "internal\nspec:\n  type: datastore");
  write_file(dir + "/half-b/payments.yaml", payments);
  std::string checkout = read_file(dir + "/half-a/checkout.yaml");
  const std::string pd = "    pagerduty.com/service-id: PCHK001\n";
  REQUIRE(checkout.find(pd) != std::string::npos);
  checkout.replace(
      checkout.find(pd), pd.size(),
      pd + "    platform/escape-hatch: legacy-integration\n"
           "    platform/escape-hatch-approval: PLAT-9\n"
           "    platform/escape-hatch-approved-by: group:default/platform-team\n"
           "    platform/escape-hatch-expires: 2026-11-30\n"
           "    platform/escape-hatch-monitoring: https://grafana.example.com/d/checkout\n");
  write_file(dir + "/half-a/checkout.yaml", checkout);
  const CliRun after = run_cli({"report", "--today", kToday, "--format", "json", "--compare",
                                "old.json", "half-a", "half-b"},
                               dir);
  REQUIRE_MESSAGE(after.exit_code == 0, after.err);
  const json c = json::parse(after.out)["comparison"];
  CHECK(c["touched"] == json{"group:default/checkout-team", "group:default/commerce",
                             "group:default/payments-team"});
  json pay, chk;
  for (const json& t : c["teams"]) {
    if (t["ref"] == "group:default/payments-team") pay = t;
    if (t["ref"] == "group:default/checkout-team") chk = t;
  }
  CHECK(pay["level_move"] == "silver → gold");
  REQUIRE(pay["findings_fixed"].size() == 1);
  CHECK(pay["findings_fixed"][0]["rule"] == "missing-data-classification");
  CHECK(pay["findings_added"].empty());
  CHECK(chk["level_move"].is_null());  // none → none
  CHECK(chk["escape_hatches_opened"] == json{"component:default/checkout"});
  CHECK(chk["escape_hatches_expired"] == json{"component:default/checkout"});
  REQUIRE(chk["findings_added"].size() == 1);
  CHECK(chk["findings_added"][0]["rule"] == "expired-escape-hatch");
  // The markdown of the same comparison names the touched teams first.
  const CliRun md =
      run_cli({"report", "--today", kToday, "--compare", "old.json", "half-a", "half-b"}, dir);
  REQUIRE(md.exit_code == 0);
  const std::string touched = "### Teams this change touches\n\n";
  REQUIRE(md.out.find(touched) != std::string::npos);
  CHECK(md.out.find("- **group:default/payments-team**: silver → gold; 1 finding fixed\n") !=
        std::string::npos);
}

TEST_CASE("team report: markdown has one table of teams, then details per team") {
  const std::string dir = committed_copy("report");
  const CliRun run = run_cli({"report", "--today", kToday, "half-a", "half-b"}, dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(
      run.out.starts_with("## Catalog compliance by team\n\n8 entities, 9 findings, org level "
                          "**none** (2026-12-01). "));
  // The Parent column, as in the HTML table ("—" for none).
  CHECK(run.out.find("| Team | Parent | Level | Entities | Findings | Golden paths | Security | "
                     "Cost | Escalation | bronze | silver | gold |\n|---|---|---|--:|--:|") !=
        std::string::npos);
  CHECK(run.out.find("| group:default/payments-team | group:default/commerce | silver | 3 | 1 | "
                     "100% (1/1) | 67% (2/3) | 100% (3/3) | 100% (3/3) | 100% | 100% | 67% |\n") !=
        std::string::npos);
  CHECK(run.out.find("| unowned | — | none | 1 | 3 |") != std::string::npos);
  CHECK(run.out.find("<details><summary>group:default/checkout-team: none, 4 entities, 5 "
                     "findings</summary>") != std::string::npos);
  // One entity is "1 entity".
  CHECK(run.out.find("<details><summary>unowned: none, 1 entity, 3 findings</summary>") !=
        std::string::npos);
  CHECK(run.out.find("1 entities") == std::string::npos);
  // Escape hatches with their state (open, expired, no-expiry).
  CHECK(run.out.find("| Entity | State | Reason | Approval | Approved by | Expires | Days left | "
                     "Monitoring |\n") != std::string::npos);
  CHECK(run.out.find("| component:default/coupons | open | experimental | PLAT-77 | "
                     "group:default/platform-team | 2026-12-10 | 9 | "
                     "https://grafana.example.com/d/coupons |") != std::string::npos);
}

namespace {

// Runs headless Chromium offline (no proxy reachable, every host unresolvable, no background
// services) with a fresh profile; `what` is --dump-dom or --screenshot=FILE.
std::pair<int, std::string> chromium(const std::string& dir, const std::string& what,
                                     const std::string& url) {
  const std::string profile = dir + "/chromium-profile";
  fs::create_directories(profile);
  return sh(dir,
            fmt::format("HOME='{0}' timeout 90 chromium --headless --no-sandbox --disable-gpu "
                        "--user-data-dir='{0}' --no-first-run --disable-background-networking "
                        "--disable-component-update --disable-sync --disable-default-apps "
                        "--disable-extensions --no-pings --proxy-server=127.0.0.1:9 "
                        "--host-resolver-rules='MAP * ~NOTFOUND' --window-size=1200,1600 {1} '{2}' "
                        "2>/dev/null",
                        profile, what, url));
}

std::string percent(const json& kpi) {
  const long num = kpi["numerator"], den = kpi["denominator"];
  if (den == 0) return "—";
  return fmt::format("{}% ({}/{})", (200 * num + den) / (2 * den), num, den);
}

}  // namespace

TEST_CASE("team report: HTML in headless Chromium (DOM figures from the JSON, a screenshot)") {
  if (!have("chromium")) {
    skip("chromium (Debian package chromium) is not installed: the HTML page is not rendered");
    return;
  }
  const std::string dir = committed_copy("report");
  const CliRun run =
      run_cli({"report", "--today", kToday, "--format", "json", "-o", "r.json", "--format", "html",
               "-o", "r.html", "--source-url",
               "https://github.com/org/repo/blob/main/{path}#L{line}", "half-a", "half-b"},
              dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const std::string html = read_file(dir + "/r.html");
  // Self-contained: nothing is fetched (no src/href to another origin but the finding links).
  CHECK(html.find("<script src") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("<a "
                  "href=\"https://github.com/org/repo/blob/main/half-a/checkout.yaml#L17\">half-a/"
                  "checkout.yaml:17</a>") != std::string::npos);
  const json r = json::parse(read_file(dir + "/r.json"));
  const auto [code, dom] = chromium(dir, "--dump-dom", "file://" + dir + "/r.html");
  REQUIRE_MESSAGE(code == 0, dom);
  REQUIRE(dom.find("<svg id=\"levels-chart\"") != std::string::npos);
  std::size_t rows = 0;
  for (const json& t : r["teams"]) {
    const std::string level = t["level"].is_string() ? t["level"].get<std::string>() : "none";
    const std::string row = fmt::format(
        "<tr class=\"team\" data-team=\"{}\" data-level=\"{}\" data-entities=\"{}\" "
        "data-findings=\"{}\">",
        t["ref"].get<std::string>(), level, t["entities"].get<long>(),
        t["findings"]["total"].get<long>());
    CHECK_MESSAGE(dom.find(row) != std::string::npos, row);
    rows += dom.find(row) != std::string::npos;
    CHECK(dom.find(percent(t["kpis"]["golden_path_adoption"])) != std::string::npos);
    // The share at each level, as the markdown table has it: reached / entities, rounded.
    const auto at = dom.find(row);
    const std::string cells =
        at == std::string::npos ? "" : dom.substr(at, dom.find("</tr>", at) - at);
    for (const json& l : r["levels"]) {
      const std::string name = l["name"];
      const long reached = t["levels"][name]["reached"], entities = t["entities"];
      const std::string cell = fmt::format("data-level-share=\"{}\" data-v=\"{}\">{}%</td>", name,
                                           t["levels"][name]["share"].dump(),
                                           (200 * reached + entities) / (2 * entities));
      CHECK_MESSAGE(cells.find(cell) != std::string::npos, cells, " has no ", cell);
    }
  }
  CHECK(rows == 4);
  CHECK(dom.find("<th>Findings</th><th>Golden paths</th><th>Security</th><th>Cost</"
                 "th><th>Escalation</th><th>bronze</th><th>silver</th><th>gold</th></tr>") !=
        std::string::npos);
  CHECK(dom.find(fmt::format("<div class=\"kpi\" id=\"org-entities\"><b>{}</b>entities</div>",
                             r["org"]["entities"].get<long>())) != std::string::npos);
  CHECK(dom.find(fmt::format("<div class=\"kpi\" id=\"org-cost_attribution\"><b>{}</b>Cost</div>",
                             percent(r["org"]["kpis"]["cost_attribution"]))) != std::string::npos);
  // The screenshot is not blank: far larger than one of an empty page of the same size.
  write_file(dir + "/empty.html", "<!DOCTYPE html><html><body></body></html>");
  const auto [c1, o1] =
      chromium(dir, "--screenshot=" + dir + "/shot.png", "file://" + dir + "/r.html");
  const auto [c2, o2] =
      chromium(dir, "--screenshot=" + dir + "/empty.png", "file://" + dir + "/empty.html");
  REQUIRE_MESSAGE(c1 == 0, o1);
  REQUIRE_MESSAGE(c2 == 0, o2);
  const std::string shot = read_file(dir + "/shot.png"), empty = read_file(dir + "/empty.png");
  CHECK(shot.starts_with("\x89PNG"));
  MESSAGE(fmt::format("screenshot {} bytes, empty page {} bytes", shot.size(), empty.size()));
  CHECK(shot.size() > 10 * empty.size());
}

TEST_CASE("team report: HTML chart labels stay on the page; states, levels and plurals shown") {
  const std::string dir = committed_copy("report");
  // A team whose ref is longer than the label column was (55 characters).
  write_file(dir + "/half-b/sre.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: "
             "site-reliability-engineering-and-production-operations\nspec:\n  type: team\n  "
             "profile:\n    email: sre@example.com\n  children: []\n");
  const CliRun run = run_cli(
      {"report", "--today", kToday, "--format", "html", "-o", "r.html", "half-a", "half-b"}, dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const std::string html = read_file(dir + "/r.html");
  // Cut at the front to 48 characters, the whole ref in its tooltip.
  CHECK(html.find("<title>group:default/site-reliability-engineering-and-production-operations</"
                  "title>…liability-engineering-and-production-operations</text>") !=
        std::string::npos);
  CHECK(html.find("<h2>unowned <span class=\"muted\">none · 1 entity · 3 findings</span></h2>") !=
        std::string::npos);
  CHECK(html.find("1 entities") == std::string::npos);
  CHECK(html.find("<th>Entity</th><th>State</th><th>Reason</th>") != std::string::npos);
  CHECK(html.find("<tr><td>component:default/coupons</td><td class=\"hatch-open\">open</td>"
                  "<td>experimental</td>") != std::string::npos);
  CHECK(html.find("<th>Where</th><th>Entity</th><th>Entity level</th>") != std::string::npos);
  CHECK(html.find("<td>half-a/checkout.yaml:17</td><td>component:default/cart</td><td>silver</"
                  "td><td>warning</td><td>missing-golden-path</td>") != std::string::npos);
  if (!have("chromium")) {
    skip(
        "chromium (Debian package chromium) is not installed: the chart's labels are not measured");
    return;
  }
  // Measured by the browser: every text of the chart starts at x >= 0 and ends inside the SVG.
  const std::string probe =
      "<script>var m=1e9,r=-1e9;document.querySelectorAll('#levels-chart "
      "text').forEach(function(t){var b=t.getBBox();m=Math.min(m,b.x);r=Math.max(r,b.x+b.width);});"
      "document.body.setAttribute('data-min-x',Math.floor(m));document.body.setAttribute('data-"
      "inside',r<=+document.getElementById('levels-chart').getAttribute('width')?'yes':'no');</"
      "script></body>";
  std::string probed = html;
  REQUIRE(probed.find("</body>") != std::string::npos);
  probed.replace(probed.find("</body>"), 7, probe);
  write_file(dir + "/probe.html", probed);
  const auto [code, dom] = chromium(dir, "--dump-dom", "file://" + dir + "/probe.html");
  REQUIRE_MESSAGE(code == 0, dom);
  CHECK(dom.find("<body data-min-x=\"0\" data-inside=\"yes\">") != std::string::npos);
}

TEST_CASE("team report: hostile --compare and --merge inputs are exit 2 with a message") {
  const std::string dir = committed_copy("report");
  REQUIRE(
      run_cli({"report", "--today", kToday, "--format", "json", "-o", "good.json", "half-a"}, dir)
          .exit_code == 0);
  json good = json::parse(read_file(dir + "/good.json"));
  write_file(dir + "/corrupt.json", "{\"report_version\": 1, \"entities\": [");
  write_file(dir + "/deep.json", std::string(100000, '[') + std::string(100000, ']'));
  json wrong = good;
  wrong["report_version"] = 2;
  write_file(dir + "/v2.json", wrong.dump());
  json bad_shape = good;
  bad_shape["entities"][0]["areas"] = "pass";
  write_file(dir + "/shape.json", bad_shape.dump());
  json bad_levels = good;
  bad_levels["levels"][0]["name"] = "copper";
  write_file(dir + "/levels.json", bad_levels.dump());
  json more_levels = good;
  more_levels["levels"].push_back({{"name", "platinum"}, {"require", {"cost"}}});
  write_file(dir + "/more-levels.json", more_levels.dump());
  write_file(dir + "/array.json", "[1, 2, 3]");
  json bad_notes = good;
  bad_notes["notes"] = json::array({{{"id", "x"}, {"message", "m"}, {"areas", "ownership"}}});
  write_file(dir + "/notes.json", bad_notes.dump());
  // Days that are no days (a hostile trial: they merged, and '9999-12-31' became the merged day).
  for (const auto& [file, day] : {std::pair{"feb30.json", "2026-02-30"},
                                  {"blank.json", ""},
                                  {"spaced.json", "2026-12-01 "}}) {
    json bad_day = good;
    bad_day["today"] = day;
    write_file(dir + "/" + file, bad_day.dump());
  }
  json bad_merged = good;
  bad_merged["merged_dates"] = {"2026-12-01", "9999-99-99"};
  write_file(dir + "/merged.json", bad_merged.dump());
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--merge", "corrupt.json"}, "catalog-lint: error: --merge 'corrupt.json' is not JSON: "},
      {{"--merge", "deep.json"},
       "catalog-lint: error: --merge 'deep.json' nests deeper than 32 levels: not a catalog-lint "
       "team report\n"},
      {{"--merge", "v2.json"},
       "catalog-lint: error: --merge 'v2.json': report_version 2 is not 1, the version this "
       "catalog-lint reads\n"},
      {{"--merge", "shape.json"},
       "catalog-lint: error: --merge 'shape.json': entities[0].areas is not an object\n"},
      {{"--merge", "feb30.json"},
       "catalog-lint: error: --merge 'feb30.json': today is not a date (YYYY-MM-DD)\n"},
      {{"--merge", "good.json", "blank.json"},
       "catalog-lint: error: --merge 'blank.json': today is not a date (YYYY-MM-DD)\n"},
      {{"--merge", "spaced.json", "--mixed-dates"},
       "catalog-lint: error: --merge 'spaced.json': today is not a date (YYYY-MM-DD)\n"},
      {{"--merge", "merged.json", "--mixed-dates"},
       "catalog-lint: error: --merge 'merged.json': merged_dates is not an array of dates "
       "(YYYY-MM-DD)\n"},
      {{"--merge", "notes.json"},
       "catalog-lint: error: --merge 'notes.json': notes[0].areas is not an array of strings\n"},
      {{"--merge", "array.json"},
       "catalog-lint: error: --merge 'array.json': the report is not a JSON object\n"},
      {{"--merge", "good.json", "levels.json"},
       "catalog-lint: error: 'levels.json' uses other levels than 'good.json': level 1 is 'bronze: "
       "backstage, ownership' in 'good.json' and 'copper: backstage, ownership' in 'levels.json'; "
       "merge reports made with the same report.levels\n"},
      {{"--merge", "good.json", "more-levels.json"},
       "catalog-lint: error: 'more-levels.json' uses other levels than 'good.json': 'good.json' "
       "has 3 levels and 'more-levels.json' has 4: 'platinum: cost' is only in "
       "'more-levels.json'; merge reports made with the same report.levels\n"},
      {{"--merge", "missing.json"},
       "catalog-lint: error: --merge 'missing.json': cannot read it: "},
      {{"--compare", "corrupt.json", "half-a"},
       "catalog-lint: error: --compare 'corrupt.json' is not JSON: "},
      {{"--merge", "good.json", "--format", "json", "-o", "good.json"},
       "catalog-lint: error: refusing to write 'good.json': it is a --merge file 'good.json'\n"},
      {{"--merge", "good.json", "--format", "xml"},
       "catalog-lint: error: report --format 'xml': expected json, markdown or html\n"},
      {{"--merge", "good.json", "--format", "html", "--source-url", "javascript:alert(1)"},
       "catalog-lint: error: --source-url 'javascript:alert(1)': a link template must start with "
       "https:// or http://\n"},
      {{"--merge", "good.json", "--source-url", "https:///{path}"},
       "catalog-lint: error: --source-url 'https:///{path}': a link template needs a host after "
       "its scheme\n"},
      {{"--merge", "good.json", "--source-url", "https://x/\x01{path}"},
       "catalog-lint: error: --source-url 'https://x/\u2401{path}': a link template cannot hold a "
       "control character\n"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"report"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    CAPTURE(fmt::format("{}", fmt::join(args, " ")));
    const CliRun run = run_cli(args, dir);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err.starts_with(c.message));
  }
  // --compare recomputes the old report's teams from its records: a file without them (or with
  // forged ones) is read like the original.
  json stripped = good;
  stripped.erase("teams");
  stripped.erase("org");
  stripped["teams"] = "forged";
  write_file(dir + "/stripped.json", stripped.dump());
  const CliRun cmp = run_cli(
      {"report", "--today", kToday, "--format", "json", "--compare", "stripped.json", "half-a"},
      dir);
  REQUIRE_MESSAGE(cmp.exit_code == 0, cmp.err);
  CHECK(json::parse(cmp.out)["comparison"]["touched"] == json::array());
  // The output guard of a plain run: never over a linted file.
  const std::string before = read_file(dir + "/half-a/checkout.yaml");
  const CliRun over =
      run_cli({"report", "--format", "json", "-o", "half-a/checkout.yaml", "half-a"}, dir);
  CHECK(over.exit_code == 2);
  CHECK(over.err ==
        "catalog-lint: error: refusing to write 'half-a/checkout.yaml': it is the linted file "
        "'half-a/checkout.yaml'\n");
  CHECK(read_file(dir + "/half-a/checkout.yaml") == before);
  // An oversized input is refused before it is parsed.
  {
    std::ofstream big(dir + "/big.json");
    big.seekp(static_cast<std::streamoff>(catalog_lint::team::kMaxInputBytes));
    big << ' ';
  }
  const CliRun run = run_cli({"report", "--merge", "big.json"}, dir);
  CHECK(run.exit_code == 2);
  CHECK(run.err == fmt::format("catalog-lint: error: --merge 'big.json' is {} bytes, over the "
                               "limit of {} for a report\n",
                               catalog_lint::team::kMaxInputBytes + 1,
                               catalog_lint::team::kMaxInputBytes));
  // The file it refused to write over is intact.
  CHECK(json::parse(read_file(dir + "/good.json")) == good);
}

TEST_CASE("team report: report: levels: from the config, and invalid levels") {
  const std::string dir = committed_copy("report");
  write_file(dir + "/.catalog-lint.yaml",
             "extends: default\ncatalog: [org]\nreport:\n  levels:\n    - name: listed\n      "
             "require: [backstage]\n"
             "    - name: costed\n      require: [cost, missing-data-classification]\n");
  const json r = report_of(dir, {"half-a", "half-b"});
  CHECK(
      r["levels"] ==
      json::parse(
          R"([{"name":"listed","require":["backstage"]},{"name":"costed","require":["cost","missing-data-classification"]}])"));
  CHECK(team(r, "group:default/payments-team")["level"] == "listed");
  CHECK(team(r, "group:default/payments-team")["levels"]["costed"]["reached"] == 2);
  CHECK(entity(r, "resource:default/payments-cache")["rules"] ==
        json{{"missing-data-classification", "fail"}});
  write_file(dir + "/.catalog-lint.yaml",
             "extends: default\ncatalog: [org]\nreport:\n  levels:\n    - name: x\n      require: "
             "[speed]\n");
  const CliRun bad = run_cli({"report", "--today", kToday, "half-a"}, dir);
  CHECK(bad.exit_code == 2);
  // Found when the config is loaded (an invalid-config error at the value).
  CHECK(bad.err.find(".catalog-lint.yaml:6:17: error: report.levels 'x' requires 'speed', which "
                     "is neither a policy area") != std::string::npos);
  write_file(dir + "/.catalog-lint.yaml", "report:\n  levels: []\n");
  const CliRun empty = run_cli({"report", "half-a"}, dir);
  CHECK(empty.exit_code == 2);
  CHECK(empty.err.find("report.levels must be a list of 1 to 16 levels") != std::string::npos);
}

TEST_CASE("team report: testdata/policy/example-org in JSON, markdown and HTML, by hand") {
  const std::string dir = committed_copy("policy/example-org");
  const json r = report_of(dir, {"."});
  // 30 entities: search-team's 7 (search-api, indexer, query-suggest, search-index, search-vpc,
  // System search, its Group), checkout-team's 8 (five Components, gift-cards through its owner
  // jdoe, System storefront, its Group, jdoe), payments' 6, platform's 6 (4 Templates, prod-eks,
  // its Group), security-team's scanner (a policy.known_owners team), the committee's Group, and
  // ranking (owner 'search-tem'): unowned.
  CHECK(r["org"]["entities"] == 30);
  CHECK(r["org"]["findings"]["total"] == 23);
  std::vector<std::string> rows;
  for (const json& t : r["teams"])
    rows.push_back(fmt::format("{} {} {} {}", t["ref"].get<std::string>(),
                               t["level"].is_null() ? "none" : t["level"].get<std::string>(),
                               t["entities"].get<long>(), t["findings"]["total"].get<long>()));
  CHECK(rows == std::vector<std::string>{
                    "group:default/architecture-committee gold 1 0",
                    "group:default/checkout-team none 8 8", "group:default/payments-team gold 6 0",
                    "group:default/platform-team gold 6 0", "group:default/search-team none 7 13",
                    "group:default/security-team gold 1 0", "unowned none 1 2"});
  const json& search = team(r, "group:default/search-team");
  // search-vpc (infrastructure-not-platform-owned) reaches no level; only System search and
  // the Group reach silver.
  CHECK(search["levels"]["bronze"]["reached"] == 6);
  CHECK(search["levels"]["silver"]["reached"] == 2);
  // Golden paths 7 of 10 org-wide: cart (unknown), search-api (two), ranking (none) fail;
  // coupons, ledger-bridge and indexer are escape-hatched, not applicable.
  CHECK(r["org"]["kpis"]["golden_path_adoption"] ==
        json{{"numerator", 7}, {"denominator", 10}, {"share", 0.7}});
  CHECK(search["kpis"]["escalation_coverage"] ==
        json{{"numerator", 2}, {"denominator", 6}, {"share", 2.0 / 6.0}});
  // Escape hatches: days left from 2026-12-01.
  const json& hatch = search["inventories"]["escape_hatches"];
  REQUIRE(hatch.size() == 1);
  CHECK(hatch[0]["entity"] == "component:default/indexer");
  CHECK(hatch[0]["days_left"] == 19);
  CHECK(team(r, "group:default/payments-team")["inventories"]["escape_hatches"][0]["days_left"] ==
        211);
  const json& coupons = team(r, "group:default/checkout-team")["inventories"]["escape_hatches"][0];
  CHECK(coupons["days_left"] == -16);
  CHECK(coupons["state"] == "expired");
  CHECK(coupons["monitoring"].is_null());
  CHECK(search["inventories"]["deprecated"] ==
        json::parse(R"([{"entity":"component:default/query-suggest","deprecated_on":"2026-11-20",
          "sunset_date":"2026-11-27","notice_days":7,"required_notice_days":14,
          "days_to_sunset":-4}])"));
  // Markdown and HTML carry the same figures.
  const CliRun md = run_cli({"report", "--today", kToday, "."}, dir);
  REQUIRE(md.exit_code == 0);
  CHECK(
      md.out.find("30 entities, 23 findings, org level **none** (2026-12-01). Golden paths 70% "
                  "(7/10) · Security 75% (18/24) · Cost 94% (16/17) · Escalation 74% (14/19)\n") !=
      std::string::npos);
  CHECK(md.out.find("| group:default/search-team | — | none | 7 | 13 | 50% (1/2) | 50% (3/6) | "
                    "80% (4/5) | 33% (2/6) | 86% | 29% | 29% |\n") != std::string::npos);
  const CliRun html = run_cli({"report", "--today", kToday, "--format", "html", "."}, dir);
  REQUIRE(html.exit_code == 0);
  CHECK(html.out.find("<tr class=\"team\" data-team=\"group:default/search-team\" "
                      "data-level=\"none\" data-entities=\"7\" data-findings=\"13\">") !=
        std::string::npos);
  CHECK(html.out.find("<div class=\"kpi\" id=\"org-golden_path_adoption\"><b>70% (7/10)</b>Golden "
                      "paths</div>") != std::string::npos);
}

TEST_CASE("team report: mutated report inputs are refused or merged, never an exception") {
  using catalog_lint::team::Json;
  const std::string dir = committed_copy("report");
  const CliRun run =
      run_cli({"report", "--today", kToday, "--format", "json", "half-a", "half-b"}, dir);
  REQUIRE(run.exit_code == 0);
  const Json good = Json::parse(run.out);
  // Every value of the report (pointer order), replaced in turn by each of these or removed.
  std::vector<Json::json_pointer> pointers;
  const Json flat = good.flatten();
  for (const auto& [key, value] : flat.items()) {
    Json::json_pointer p(key);
    for (; !p.empty(); p = p.parent_pointer()) pointers.push_back(p);
  }
  std::sort(pointers.begin(), pointers.end(),
            [](const auto& a, const auto& b) { return a.to_string() < b.to_string(); });
  pointers.erase(std::unique(pointers.begin(), pointers.end()), pointers.end());
  const std::vector<Json> replacements = {nullptr, 7, -1, "x", Json::array(), Json::object(), true};
  std::size_t refused = 0, merged = 0;
  for (const auto& p : pointers) {
    for (std::size_t i = 0; i <= replacements.size(); ++i) {
      Json bad = good;
      if (i == replacements.size()) {
        bad[p.parent_pointer()].is_object() ? (void)bad[p.parent_pointer()].erase(p.back())
                                            : (void)(bad[p] = nullptr);
      } else {
        bad[p] = replacements[i];
      }
      CAPTURE(p.to_string());
      CAPTURE(i);
      std::string error;
      try {
        const auto parsed = catalog_lint::team::parse_input(bad.dump(), "bad.json", error);
        if (!parsed) {
          ++refused;
          CHECK(!error.empty());
          continue;
        }
        // Both hold the same entities: the mutated copy's records are kept.
        catalog_lint::team::MergeOptions keep_first;
        keep_first.allow_duplicate_entities = true;
        auto out = catalog_lint::team::merge({*parsed, good}, error, keep_first);
        if (out) {
          ++merged;
          (void)catalog_lint::team::compare(*out, good);
          (void)catalog_lint::team::render_html(*out, nullptr, {});
          (void)catalog_lint::team::render_markdown(*out, nullptr);
        }
      } catch (const std::exception& e) {
        FAIL_CHECK("exception: " << e.what());
      }
    }
  }
  MESSAGE(fmt::format("{} mutations: {} refused, {} merged", refused + merged, refused, merged));
  CHECK(refused > 0);
  CHECK(merged > 0);
}

TEST_CASE("team report: suppression comments and the baseline apply as in a plain run") {
  const std::string dir = committed_copy("report");
  // A file-wide suppression of missing-golden-path in half-a: cart then passes golden paths.
  const std::string path = dir + "/half-a/checkout.yaml";
  write_file(path,
             "# catalog-lint-disable-file missing-golden-path -- cart predates the templates\n" +
                 read_file(path));
  const json r = report_of(dir, {"half-a"});
  CHECK(entity(r, "component:default/cart")["findings"] == json::array());
  CHECK(entity(r, "component:default/cart")["areas"]["golden-paths"] == "pass");
  CHECK(team(r, "group:default/checkout-team")["findings"]["total"] == 4);
  // The baseline of half-b: its 4 findings are accepted, the report has none.
  const CliRun write =
      run_cli({"--write-baseline", "baseline.json", "--today", kToday, "half-b"}, dir);
  REQUIRE_MESSAGE(write.exit_code == 0, write.err);
  const CliRun run = run_cli(
      {"report", "--baseline", "baseline.json", "--today", kToday, "--format", "json", "half-b"},
      dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const json b = json::parse(run.out);
  CHECK(b["org"]["findings"]["total"] == 0);
  CHECK(team(b, "group:default/payments-team")["level"] == "gold");
  // The inventories take the same view: the suppressed cart is not outside a golden path (coupons,
  // escape-hatched, still is), the baselined payments-cache not without a classification, the
  // baselined legacy-batch not without a cost centre.
  CHECK(team(r, "group:default/checkout-team")["inventories"]["outside_golden_path"] ==
        json{"component:default/coupons"});
  CHECK(team(b, "group:default/payments-team")["inventories"]["missing_data_classification"] ==
        json::array());
  CHECK(b["org"]["inventories"]["missing_cost_center"] == json::array());
  CHECK(b["org"]["inventories"]["outside_golden_path"] == json::array());
  // Without them, the same entities are listed.
  const json plain = report_of(dir, {"half-b"});
  CHECK(team(plain, "group:default/payments-team")["inventories"]["missing_data_classification"] ==
        json{"resource:default/payments-cache"});
  CHECK(plain["org"]["inventories"]["missing_cost_center"] ==
        json{"component:default/legacy-batch"});
  CHECK(plain["org"]["inventories"]["outside_golden_path"] ==
        json{"component:default/legacy-batch"});
}

TEST_CASE("team report: a repository without a config still reports each entity's facts") {
  // No .catalog-lint.yaml: the policy rules are off, but the report's inventories read the facts
  // (a new user's trial: every entity was listed "without cost centre", type and owner null).
  const std::string dir = git_repo();
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: etl\n"
             "  annotations:\n    platform/cost-center: cc-3\nspec:\n  type: library\n"
             "  lifecycle: production\n  owner: data-team\n");
  const CliRun run = run_cli({"report", "--today", kToday, "--format", "json"}, dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const json r = json::parse(run.out);
  const json& etl = entity(r, "component:default/etl");
  CHECK(etl["type"] == "library");
  CHECK(etl["lifecycle"] == "production");
  CHECK(etl["owner"] == "group:default/data-team");
  CHECK(etl["cost_center"] == "cc-3");
  CHECK(r["org"]["inventories"]["missing_cost_center"] == json::array());
}

TEST_CASE("team report: --compare: an owner fix moves the entity and its findings to the team") {
  const std::string dir = committed_copy("report");
  const CliRun before = run_cli(
      {"report", "--today", kToday, "--format", "json", "-o", "old.json", "half-a", "half-b"}, dir);
  REQUIRE_MESSAGE(before.exit_code == 0, before.err);
  // The fix: legacy-batch names its real owner; its two other findings go with it.
  edit(dir + "/half-b/payments.yaml", "owner: nobody-team", "owner: payments-team");
  const CliRun after = run_cli({"report", "--today", kToday, "--format", "json", "--compare",
                                "old.json", "half-a", "half-b"},
                               dir);
  REQUIRE_MESSAGE(after.exit_code == 0, after.err);
  const json c = json::parse(after.out)["comparison"];
  CHECK(c["touched"] == json{"group:default/commerce", "group:default/payments-team", "unowned"});
  const json moved = {
      {{"rule", "missing-cost-center"},
       {"entity", "component:default/legacy-batch"},
       {"message", "no platform/cost-center annotation; costs cannot be attributed"}},
      {{"rule", "missing-golden-path"},
       {"entity", "component:default/legacy-batch"},
       {"message", "service 'legacy-batch' follows no golden path"}}};
  auto with = [&](const std::string& key, const std::string& team_ref) {
    json out = moved;
    for (json& f : out) f[key] = team_ref;
    return out;
  };
  const json& pay = change_of(c, "group:default/payments-team");
  const json& dept = change_of(c, "group:default/commerce");
  const json& unowned = change_of(c, "unowned");
  // The new team: moved in, nothing added.
  CHECK(pay["findings_added"] == json::array());
  CHECK(pay["findings_fixed"] == json::array());
  CHECK(pay["entities_moved_in"] ==
        json{{{"entity", "component:default/legacy-batch"}, {"from", "unowned"}}});
  CHECK(pay["findings_moved_in"] == with("from", "unowned"));
  CHECK(pay["level_move"].is_null());  // silver → silver
  // The department over it gains the same entity.
  CHECK(dept["entities_moved_in"] == pay["entities_moved_in"]);
  CHECK(dept["findings_added"] == json::array());
  // The old row: the owner finding is fixed, the others moved out, not fixed.
  CHECK(unowned["findings_fixed"] ==
        json{{{"rule", "unknown-owner"},
              {"entity", "component:default/legacy-batch"},
              {"message",
               "owner 'nobody-team' (group:default/nobody-team) is not a known Group or User"}}});
  CHECK(unowned["entities_moved_out"] == json{{{"entity", "component:default/legacy-batch"},
                                               {"to", "group:default/payments-team"}}});
  CHECK(unowned["findings_moved_out"] == with("to", "group:default/payments-team"));
  CHECK(unowned["new_level"].is_null());  // the row is gone
  // Org-wide: one finding fixed, none added, one entity changed team.
  CHECK(c["org"]["findings_added"] == json::array());
  CHECK(c["org"]["findings_fixed"] == unowned["findings_fixed"]);
  CHECK(c["org"]["entities_moved"] == json{{{"entity", "component:default/legacy-batch"},
                                            {"from", "unowned"},
                                            {"to", "group:default/payments-team"}}});
  CHECK(c["org"]["changed"] == true);
  // Markdown and HTML: the org's line first, then each team's.
  const CliRun md = run_cli({"report", "--today", kToday, "--compare", "old.json", "--format",
                             "html", "-o", "c.html", "--format", "markdown", "half-a", "half-b"},
                            dir);
  REQUIRE_MESSAGE(md.exit_code == 0, md.err);
  CHECK(md.out.find(
            "### Teams this change touches\n\n"
            "- **Organisation**: 1 finding fixed; 1 entity changed team: "
            "component:default/legacy-batch (unowned → group:default/payments-team)\n"
            "- **group:default/commerce**: 1 entity moved in: component:default/legacy-batch from "
            "unowned (with 2 findings)\n"
            "- **group:default/payments-team**: 1 entity moved in: component:default/legacy-batch "
            "from unowned (with 2 findings)\n"
            "- **unowned**: 1 finding fixed; 1 entity moved out: component:default/legacy-batch to "
            "group:default/payments-team (with 2 findings)\n\n") != std::string::npos);
  const std::string html = read_file(dir + "/c.html");
  CHECK(html.find("<section id=\"changes\"><h2>What changed</h2><ul><li><b>Organisation</b>: 1 "
                  "finding fixed; 1 entity changed team: component:default/legacy-batch (unowned "
                  "→ group:default/payments-team)</li><li><b>group:default/commerce</b>: 1 entity "
                  "moved in: component:default/legacy-batch from unowned (with 2 findings)</li>") !=
        std::string::npos);
  // No change at all: the org line says so.
  REQUIRE(run_cli({"report", "--today", kToday, "--format", "json", "-o", "new.json", "half-a",
                   "half-b"},
                  dir)
              .exit_code == 0);
  const CliRun none =
      run_cli({"report", "--today", kToday, "--compare", "new.json", "half-a", "half-b"}, dir);
  REQUIRE_MESSAGE(none.exit_code == 0, none.err);
  CHECK(none.out.find("### Teams this change touches\n\n- **Organisation**: no change in level, "
                      "findings, owners or escape hatches\n- None: no team's level, findings, "
                      "owners or escape hatches change\n\n") != std::string::npos);
}

TEST_CASE("team report: --merge of reports of different days, and --today with --merge") {
  const std::string dir = committed_copy("report");
  REQUIRE(run_cli({"report", "--today", kToday, "--format", "json", "-o", "a.json", "half-a"}, dir)
              .exit_code == 0);
  REQUIRE(run_cli({"report", "--today", "2026-11-30", "--format", "json", "-o", "b.json", "half-b"},
                  dir)
              .exit_code == 0);
  const std::string advice =
      ": escape hatches, deadlines and findings were judged on different days; make every report "
      "with the same --today, or give --mixed-dates to merge them anyway (the merged report lists "
      "each day in merged_dates)\n";
  const CliRun mixed = run_cli({"report", "--merge", "a.json", "b.json"}, dir);
  CHECK(mixed.exit_code == 2);
  CHECK(mixed.out.empty());
  CHECK(mixed.err ==
        "catalog-lint: error: 'b.json' was made on 2026-11-30 and 'a.json' on 2026-12-01" + advice);
  // --today cannot re-judge the reports: a usage error, not ignored.
  const CliRun today = run_cli({"report", "--merge", "a.json", "a.json", "--today", kToday}, dir);
  CHECK(today.exit_code == 2);
  CHECK(today.err ==
        "catalog-lint: error: report --merge does not take --today: each report was judged on its "
        "own day (its 'today'); give --today to the runs that make the reports\n");
  const CliRun before = run_cli({"--today", kToday, "report", "--merge", "a.json"}, dir);
  CHECK(before.exit_code == 2);
  CHECK(before.err == today.err);
  const CliRun alone = run_cli({"report", "--mixed-dates", "half-a"}, dir);
  CHECK(alone.exit_code == 2);
  CHECK(alone.err == "catalog-lint: error: report --mixed-dates applies to --merge only\n");
  // Accepted with --mixed-dates: the latest day, and each day carried.
  const CliRun ok = run_cli({"report", "--merge", "b.json", "a.json", "--mixed-dates", "--format",
                             "json", "-o", "ab.json", "--format", "markdown"},
                            dir);
  REQUIRE_MESSAGE(ok.exit_code == 0, ok.err);
  const json ab = json::parse(read_file(dir + "/ab.json"));
  CHECK(ab["today"] == kToday);
  CHECK(ab["merged_dates"] == json{"2026-11-30", kToday});
  CHECK(ab["org"]["entities"] == 8);
  CHECK(ok.out.find("\n\nMerged from reports made on different days (2026-11-30, 2026-12-01): "
                    "days left and to sunset are counted from 2026-12-01, each finding on its "
                    "report's day.\n\n") != std::string::npos);
  // The flag right after --merge (which takes its first value whatever it looks like) is the
  // flag, not a file: the same merge.
  const CliRun flag_first = run_cli(
      {"report", "--merge", "--mixed-dates", "b.json", "a.json", "--format", "markdown"}, dir);
  REQUIRE_MESSAGE(flag_first.exit_code == 0, flag_first.err);
  CHECK(flag_first.out == ok.out);
  // Two flags after --merge, and a flag between the files: the files left over are reports too.
  for (const std::vector<std::string>& order :
       {std::vector<std::string>{"--merge", "--mixed-dates", "--allow-duplicate-entities", "b.json",
                                 "a.json"},
        std::vector<std::string>{"--merge", "b.json", "--mixed-dates", "a.json"}}) {
    std::vector<std::string> argv = {"report", "--format", "markdown"};
    argv.insert(argv.end(), order.begin(), order.end());
    const CliRun r = run_cli(argv, dir);
    CAPTURE(fmt::format("{}", fmt::join(order, " ")));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out == ok.out);
  }
  const CliRun not_file = run_cli({"report", "--merge", "--mixd-dates", "b.json"}, dir);
  CHECK(not_file.exit_code == 2);
  CHECK(not_file.err ==
        "catalog-lint: error: --merge '--mixd-dates' is not a report file; give the report files "
        "right after --merge (options before it, or after its files)\n");
  const CliRun only_flag = run_cli({"report", "--merge", "--mixed-dates"}, dir);
  CHECK(only_flag.exit_code == 2);
  CHECK(only_flag.err == "catalog-lint: error: --merge needs at least one report file\n");
  // A mixed merge merged again carries its days on: refused without the option, kept with it.
  const CliRun again = run_cli({"report", "--merge", "ab.json", "a.json"}, dir);
  CHECK(again.exit_code == 2);
  CHECK(again.err ==
        "catalog-lint: error: 'ab.json' merges reports of 2026-11-30, 2026-12-01" + advice);
  const CliRun kept = run_cli({"report", "--merge", "ab.json", "a.json", "--mixed-dates",
                               "--allow-duplicate-entities", "--format", "json"},
                              dir);
  REQUIRE_MESSAGE(kept.exit_code == 0, kept.err);
  CHECK(json::parse(kept.out)["merged_dates"] == json{"2026-11-30", kToday});
  // Reports of one day merge without a word, and without merged_dates.
  REQUIRE(run_cli({"report", "--today", kToday, "--format", "json", "-o", "b1.json", "half-b"}, dir)
              .exit_code == 0);
  const CliRun one = run_cli({"report", "--merge", "a.json", "b1.json", "--format", "json"}, dir);
  REQUIRE_MESSAGE(one.exit_code == 0, one.err);
  CHECK_FALSE(json::parse(one.out).contains("merged_dates"));
}

TEST_CASE("team report: a Group chain 2,000 deep is reported in every format (size)") {
  // Each Group the parent of the next: the HTML's findings of a department once walked every
  // team for every entity (7 s for 500 Groups); run_cli's hang guard is the only clock here.
  const std::string dir = temp_dir();
  std::string groups;
  for (int i = 0; i < 2000; ++i)
    groups += fmt::format(
        "---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: g{}\nspec:\n  "
        "type: team\n{}  children: []\n",
        i, i == 0 ? std::string() : fmt::format("  parent: g{}\n", i - 1));
  write_file(dir + "/groups.yaml", groups);
  const CliRun run =
      run_cli({"report", "--today", kToday, "--format", "json", "-o", "r.json", "--format", "html",
               "-o", "r.html", "--format", "markdown", "groups.yaml"},
              dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const json r = json::parse(read_file(dir + "/r.json"));
  CHECK(r["teams"].size() == 2000);
  CHECK(r["org"]["entities"] == 2000);
  // A department counts the Groups of at most 256 levels under it (the walk's bound): g0 counts
  // g0..g255, g1999 only itself.
  CHECK(team(r, "group:default/g0")["entities"] == 256);
  CHECK(team(r, "group:default/g1999")["entities"] == 1);
  CHECK(team(r, "group:default/g1999")["parent"] == "group:default/g1998");
  const std::string html = read_file(dir + "/r.html");
  CHECK(html.find("<section class=\"team-section\" id=\"team-group-default-g1999\">") !=
        std::string::npos);
  CHECK(run.out.find("| group:default/g1999 | group:default/g1998 | ") != std::string::npos);
}

TEST_CASE("team report: a typo in report.levels is an invalid-config error of every command") {
  // A trial: `require: [backstag]` was caught only by `catalog-lint report`; a plain lint and
  // print-config accepted the config.
  const std::string dir = committed_copy("report");
  const std::string areas =
      "(backstage, ownership, escalation, golden-paths, escape-hatches, change-notice, cost, "
      "data-classification, references, declarative)";
  write_file(dir + "/.catalog-lint.yaml",
             "extends: default\ncatalog: [org]\nreport:\n  levels:\n    - name: bronze\n"
             "      require: [backstage, backstag]\n");
  const std::string message =
      "report.levels 'bronze' requires 'backstag', which is neither a "
      "policy area " +
      areas + " nor a rule id; did you mean 'backstage'?";
  // A plain lint: the invalid-config error at the value, exit 2.
  const CliRun lint = run_cli({"--today", kToday, "--format", "json", "half-a"}, dir);
  CHECK(lint.exit_code == 2);
  // The config's error, then the file it left unlinted.
  const json findings = json::parse(lint.out)["diagnostics"];
  REQUIRE(findings.size() == 2);
  CHECK(findings[1]["message"] == "file not linted: its config '.catalog-lint.yaml' is invalid");
  CHECK(findings[0]["rule"] == "invalid-config");
  CHECK(findings[0]["severity"] == "error");
  CHECK(findings[0]["message"] == message);
  CHECK(findings[0]["file"] == ".catalog-lint.yaml");
  CHECK(findings[0]["line"] == 6);
  CHECK(findings[0]["column"] == 28);
  // print-config and report say the same.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"print-config", "half-a/checkout.yaml"},
        std::vector<std::string>{"report", "--today", kToday, "half-a"}}) {
    CAPTURE(fmt::format("{}", fmt::join(args, " ")));
    const CliRun run = run_cli(args, dir);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    // Exactly once (report used to print it a second time after the lint had).
    CHECK(run.err == "catalog-lint: .catalog-lint.yaml:6:28: error: " + message + "\n");
  }
  // A rule id with a typo gets its rule; a value close to nothing gets the list; a scalar
  // requirement is checked too; the config's own declarative rules are requirements.
  const std::string rule =
      "declarative_rules:\n  - id: has-runbook\n    summary: s\n"
      "    require:\n      annotation: runbook\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"report:\n  levels:\n    - name: x\n      require: [missing-cost-centre]\n",
       "cfg.yaml:4:17: error: report.levels 'x' requires 'missing-cost-centre', which is neither "
       "a policy area " +
           areas + " nor a rule id; did you mean 'missing-cost-center'?"},
      {"report:\n  levels:\n    - name: x\n      require: speed\n",
       "cfg.yaml:4:16: error: report.levels 'x' requires 'speed', which is neither a policy area " +
           areas + " nor a rule id; `catalog-lint rules` lists the rule ids"},
      {rule + "report:\n  levels:\n    - name: x\n      require: [has-runbok]\n",
       "cfg.yaml:9:17: error: report.levels 'x' requires 'has-runbok', which is neither a policy "
       "area " +
           areas + " nor a rule id; did you mean 'has-runbook'?"},
      {rule + "report:\n  levels:\n    - name: x\n      require: [has-runbook, cost]\n",
       "(no error)"},
  };
  for (const auto& [text, expected] : cases) {
    CAPTURE(text);
    std::string got = "(no error)";
    try {
      (void)catalog_lint::parse_config("cfg.yaml", text);
    } catch (const catalog_lint::ConfigError& e) {
      got = e.format();
    }
    CHECK(got == expected);
  }
}

TEST_CASE("team report: without an org catalog, each format says once what is not measured") {
  // A trial: with no catalog: (and no catalog_complete), ownership, escalation and references
  // were "not measured" for every entity, and no format said why.
  const std::string dir = git_repo();
  write_file(dir + "/.catalog-lint.yaml", "extends: default\n");
  write_file(dir + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: etl\n"
             "spec:\n  type: library\n  lifecycle: production\n  owner: data-team\n");
  const std::string message =
      "ownership, escalation and references are not measured: no org catalog is declared "
      "(catalog: in .catalog-lint.yaml, docs/org-catalog.md)";
  const CliRun run = run_cli({"report", "--today", kToday, "--format", "json", "-o", "r.json",
                              "--format", "html", "-o", "r.html", "--format", "markdown"},
                             dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const json r = json::parse(read_file(dir + "/r.json"));
  CHECK(r["notes"] == json{{{"id", "org-catalog-not-declared"},
                            {"areas", {"ownership", "escalation", "references"}},
                            {"message", message}}});
  CHECK(entity(r, "component:default/etl")["areas"]["ownership"] == "not-measured");
  auto occurrences = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(occurrences(run.out, "**Note**: " + message + "\n\n") == 1);
  CHECK(occurrences(run.out, "not measured:") == 1);
  const std::string html = read_file(dir + "/r.html");
  CHECK(occurrences(html, "<p class=\"note\"><b>Note</b>: " + message + "</p>") == 1);
  CHECK(occurrences(html, "not measured:") == 1);
  // A merge keeps it once; with a catalog there is none.
  const CliRun merged = run_cli({"report", "--format", "json", "--merge", "r.json"}, dir);
  REQUIRE_MESSAGE(merged.exit_code == 0, merged.err);
  CHECK(json::parse(merged.out)["notes"] == r["notes"]);
  const std::string with = committed_copy("report");
  const json measured = report_of(with, {"half-a"});
  CHECK_FALSE(measured.contains("notes"));
  const CliRun md = run_cli({"report", "--today", kToday, "half-a"}, with);
  CHECK(md.out.find("Note") == std::string::npos);
  // A catalog that cannot be read: the other note (and exit 2, as a plain lint).
  write_file(dir + "/org.json", "{");
  const CliRun bad = run_cli(
      {"report", "--today", kToday, "--catalog", "org.json", "--format", "json", "-o", "b.json"},
      dir);
  CHECK(bad.exit_code == 2);
  const json b = json::parse(read_file(dir + "/b.json"));
  REQUIRE(b["notes"].size() == 1);
  CHECK(b["notes"][0]["id"] == "org-catalog-unreadable");
  CHECK(b["notes"][0]["message"] ==
        "ownership, escalation and references are not measured: the org catalog could not be "
        "read (a plain lint shows why)");
}

TEST_CASE("team report: standard output closed at start") {
  // report_cmd wrote with its own write_stdout, blind to a closed stdout: a markdown report to
  // it "succeeded" into /dev/null (then a generic error), and a report written only to files
  // failed with exit 2 for want of a standard output it did not need.
  const std::string dir = committed_copy("report");
  const RunOptions closed{.cwd = dir, .stdout_closed = true};
  const CliRun md = run_with({"report", "--today", kToday, "half-a"}, closed);
  CHECK(md.exit_code == 2);
  CHECK(md.err ==
        "catalog-lint: error: cannot write the report to standard output: it is closed\n");
  const CliRun file =
      run_with({"report", "--today", kToday, "--format", "json", "-o", "r.json", "half-a"}, closed);
  CHECK(file.exit_code == 0);
  CHECK(file.err.empty());
  CHECK(json::parse(read_file(dir + "/r.json"))["org"]["entities"] == 4);
  const CliRun merged = run_with({"report", "--merge", "r.json"}, closed);
  CHECK(merged.exit_code == 2);
  CHECK(merged.err ==
        "catalog-lint: error: cannot write the report to standard output: it is closed\n");
  const CliRun merged_file =
      run_with({"report", "--merge", "r.json", "--format", "html", "-o", "r.html"}, closed);
  CHECK(merged_file.exit_code == 0);
  CHECK(read_file(dir + "/r.html").starts_with("<!DOCTYPE html>"));
}

TEST_CASE("team report: findings no entity carries are listed in markdown and HTML") {
  // New-user trial: "1 entity, 12 findings" while the teams showed 10; the other two were only in
  // the JSON's unattributed_findings.
  const std::string dir = git_repo();
  write_file(dir + "/catalog-info.yaml",
             read_file(source_dir() + "/examples/payments/catalog-info.yaml"));
  write_file(dir + "/catalog-broken.yaml", "apiVersion: [\n");
  const CliRun md =
      run_cli({"report", "--today", kToday, "catalog-info.yaml", "catalog-broken.yaml"}, dir);
  CHECK(md.exit_code == 0);
  CHECK(md.out.find("1 entity, 1 finding, org level **none**") != std::string::npos);
  CHECK(md.out.ends_with(
      "<details><summary>Not attributed to a team: 1 finding</summary>\n\n"
      "| Where | Severity | Rule | Message |\n|---|---|---|---|\n"
      "| catalog-broken.yaml:2 | error | yaml-syntax-error | the '\\[' on line 1 is never closed "
      "with '\\]' |\n\n</details>\n\n"));
  const CliRun html = run_cli({"report", "--today", kToday, "--format", "html", "--source-url",
                               "https://git.example/r/blob/main/{path}#L{line}",
                               "catalog-info.yaml", "catalog-broken.yaml"},
                              dir);
  CHECK(html.exit_code == 0);
  CHECK(html.out.find(
            "<section class=\"team-section\" id=\"unattributed\"><h2>Not attributed to a team "
            "<span class=\"muted\">1 finding</span></h2>") != std::string::npos);
  CHECK(html.out.find("<tr><td><a href=\"https://git.example/r/blob/main/catalog-broken.yaml#L2\">"
                      "catalog-broken.yaml:2</a></td><td>error</td><td>yaml-syntax-error</td>"
                      "<td>the &apos;[&apos; on line 1 is never closed with &apos;]&apos;</td>"
                      "</tr>") != std::string::npos);
  // Past 50, the markdown says how many more there are.
  std::vector<std::string> args = {"report", "--today", kToday};
  for (int i = 0; i < 52; ++i) {
    const std::string name = fmt::format("catalog-broken-{}.yaml", i);
    write_file(dir + "/" + name, "apiVersion: [\n");
    args.push_back(name);
  }
  const CliRun many = run_cli(args, dir);
  CHECK(many.out.find("Not attributed to a team: 52 findings") != std::string::npos);
  CHECK(many.out.find("\n… and 2 more (the JSON report lists them all).\n") != std::string::npos);
}

TEST_CASE(
    "team report: --merge takes one record of a Group that each repository's copy of the org "
    "defines alike") {
  // New-user trial: with the README's layout (`catalog: [org]`, org/ in each repository) every
  // Group was "in both reports" and the merge was refused.
  const std::string groups =
      "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n"
      "  type: team\n  profile:\n    email: a@example.com\n  children: []\n";
  auto repo = [&](const std::string& service, const std::string& org) {
    const std::string dir = git_repo();
    write_file(dir + "/.catalog-lint.yaml", "catalog: [org]\n");
    fs::create_directories(dir + "/org");
    write_file(dir + "/org/groups.yaml", org);
    write_file(dir + "/catalog-info.yaml",
               "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + service +
                   "\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n");
    return dir;
  };
  const std::string a = repo("svc-a", groups), b = repo("svc-b", groups);
  const std::string c = repo("svc-c", groups + "  parent: other\n");
  const std::string out = temp_dir();
  for (const auto& [dir, name] : {std::pair{a, "a"}, std::pair{b, "b"}, std::pair{c, "c"}})
    REQUIRE(run_cli({"report", "--today", kToday, "--format", "json", "-o",
                     out + "/" + name + ".json", "--repository", name},
                    dir)
                .exit_code == 0);
  const CliRun merged = run_cli({"report", "--merge", "a.json", "b.json", "--format", "json"}, out);
  REQUIRE_MESSAGE(merged.exit_code == 0, merged.err);
  CHECK(merged.err.empty());
  const json m = json::parse(merged.out);
  CHECK(m["org"]["entities"] == 3);  // svc-a, svc-b and the one Group
  std::vector<std::string> refs;
  for (const json& e : m["entities"]) refs.push_back(e["ref"].get<std::string>());
  CAPTURE(fmt::format("{}", fmt::join(refs, " ")));
  CHECK(refs == std::vector<std::string>{"component:default/svc-a", "component:default/svc-b",
                                         "group:default/team-a"});
  // A Group the copies define differently is still two definitions.
  const CliRun differ = run_cli({"report", "--merge", "a.json", "c.json", "--format", "json"}, out);
  CHECK(differ.exit_code == 2);
  CHECK(differ.err.starts_with(
      "catalog-lint: error: entity 'group:default/team-a' is in both 'a.json' and 'c.json'"));
}

TEST_CASE(
    "team report: without a config, cost and data classification apply where the built-in "
    "rules would select") {
  // New-user trial: with no .catalog-lint.yaml the API was listed "without cost centre" and a
  // Component's data classification was "not measured" rather than not applicable.
  const std::string dir = committed_copy("../examples");
  const CliRun r = run_cli({"report", "--today", kToday, "--format", "json"}, dir);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const json j = json::parse(r.out);
  std::map<std::string, std::pair<std::string, std::string>> states;
  for (const json& e : j["entities"])
    states[e["ref"].get<std::string>()] = {e["areas"]["cost"].get<std::string>(),
                                           e["areas"]["data-classification"].get<std::string>()};
  CHECK(states == std::map<std::string, std::pair<std::string, std::string>>{
                      {"api:default/checkout-api", {"not-applicable", "not-applicable"}},
                      {"component:default/checkout", {"not-measured", "not-applicable"}},
                      {"component:default/payments", {"not-measured", "not-applicable"}}});
  REQUIRE(j["notes"].size() == 2);
  CHECK(j["notes"][1] ==
        json{{"id", "policy-not-configured"},
             {"areas",
              {"golden-paths", "escape-hatches", "change-notice", "cost", "data-classification"}},
             {"message",
              "golden paths, escape hatches, change notice, cost and data classification are not "
              "measured: no .catalog-lint.yaml applies, and the policy rules are on only with one "
              "(catalog-lint init writes it, docs/policy.md)"}});
  const CliRun md = run_cli({"report", "--today", kToday}, dir);
  CHECK(md.out.find("**Without cost centre**: component:default/checkout, "
                    "component:default/payments\n") != std::string::npos);
}

TEST_CASE("team report: JSON alone (made record by record) equals the document's JSON") {
  // `--format json` alone is written without the document (team::build_json); with another
  // format the document is built and dumped. Both must be the same bytes, on every shape:
  // teams and a department, notes, unattributed findings, invalid UTF-8, no entity at all.
  const std::string invalid = temp_dir();
  write_file(invalid + "/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: caf\xe9\n"
             "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n");
  const std::string empty = temp_dir();
  write_file(empty + "/README.md", "no entities here\n");
  const std::string many = temp_dir();
  std::string docs;
  for (int i = 0; i < 5000; ++i)  // more than one chunk of records (4,096)
    docs += fmt::format(
        "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c{}\n"
        "spec:\n  type: service\n  lifecycle: production\n  owner: team-{}\n",
        i, i % 7);
  write_file(many + "/catalog-info.yaml", docs);
  for (const std::string& dir :
       {committed_copy("report"), committed_copy("policy/example-org"), invalid, empty, many}) {
    CAPTURE(dir);
    const CliRun alone = run_cli({"report", "--today", kToday, "--format", "json", "."}, dir);
    const CliRun both = run_cli(
        {"report", "--today", kToday, "--format", "json=r.json", "--format", "markdown=r.md", "."},
        dir);
    CHECK(alone.exit_code == both.exit_code);
    CHECK(both.err == alone.err);
    REQUIRE(alone.out.size() > 200);
    CHECK(alone.out == read_file(dir + "/r.json"));
  }
}

TEST_CASE("team report: markdown mentions no one (a PR comment would notify '@name')") {
  const std::string dir = committed_copy("policy/example-org");
  const std::string file = dir + "/services/payments.yaml";
  std::string text = read_file(file);
  const std::string from = "escape-hatch-monitoring: https://grafana.example.com/d/ledger-bridge";
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), "escape-hatch-monitoring: page @ledger-oncall");
  write_file(file, text);
  const CliRun run = run_cli({"report", "--today", kToday, "--format", "markdown", "."}, dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.find(" | page @&#8203;ledger-oncall |\n") != std::string::npos);
  CHECK(run.out.find("@ledger") == std::string::npos);
}

TEST_CASE("team report: entity and finding files are relative to the root, links resolved") {
  // The paths are resolved once per directory (not per entity); the result is what
  // std::filesystem::weakly_canonical gives: a link's target, and ".." taken after the link.
  const std::string dir = git_repo();
  write_file(dir + "/real/catalog-info.yaml",
             "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"
             "  tags: [Bad_Tag]\nspec:\n  type: service\n  lifecycle: production\n"
             "  owner: team-a\n");
  fs::create_directory_symlink("real", dir + "/linkdir");
  fs::create_directories(dir + "/other/deep");
  fs::create_symlink("../real/catalog-info.yaml", dir + "/other/link.yaml");
  fs::create_directory_symlink("../../real", dir + "/other/deep/up");
  for (const std::string& arg :
       {std::string("linkdir/catalog-info.yaml"), std::string("other/link.yaml"),
        std::string("other/../real/catalog-info.yaml"), std::string("./real//catalog-info.yaml"),
        dir + "/linkdir/catalog-info.yaml", std::string("other/deep/up/../real/catalog-info.yaml"),
        std::string("other/deep/up/catalog-info.yaml")}) {
    CAPTURE(arg);
    const CliRun run = run_cli({"report", "--today", kToday, "--format", "json", arg}, dir);
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    const json r = json::parse(run.out);
    REQUIRE(r["entities"].size() == 1);
    CHECK(r["entities"][0]["file"] == "real/catalog-info.yaml");
    REQUIRE(r["entities"][0]["findings"].size() == 1);
    CHECK(r["entities"][0]["findings"][0]["line"] == 5);
    CHECK(r["entities"][0]["findings"][0]["file"] == "real/catalog-info.yaml");
  }
}
