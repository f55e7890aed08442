// The team report's markdown and HTML forms (docs/report.md), rendered from its JSON.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "report/report.h"
#include "report/team_report.h"

namespace catalog_lint::team {

namespace {

std::string s(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// "60% (3/5)", or "—" when nothing was measured.
std::string pct(const Json& kpi) {
  if (!kpi.contains("share") || kpi["share"].is_null()) return "—";
  return fmt::format("{:.0f}% ({}/{})", std::floor(kpi["share"].get<double>() * 100 + 0.5),
                     s(kpi["numerator"]), s(kpi["denominator"]));
}
std::string share_text(const Json& share) {
  if (share.is_null()) return "—";
  return fmt::format("{:.0f}%", std::floor(share.get<double>() * 100 + 0.5));
}

// Text for a markdown table cell: valid UTF-8, no controls, `|` and HTML specials escaped, no
// mention (`@` is followed by a zero-width space).
std::string md(const Json& j) {
  std::string out;
  for (char c : printable(s(j))) {
    if (c == '|')
      out += "\\|";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '`')
      out += "'";
    else if (c == '@')
      out += "@&#8203;";  // a zero-width space: "@name" in a PR comment would notify a user
    else if (c == '\\' || c == '[' || c == ']' || c == '*' || c == '_' || c == '~')
      out += '\\', out += c;  // no link, image or emphasis out of a name (GFM backslash escape)
    else
      out += c;
  }
  return out;
}

// Text for HTML character data and quoted attribute values: JUnit's XML escaping serves HTML too
// (&apos; is an HTML5 entity; controls are dropped, line breaks kept as references).
std::string h(const Json& j) {
  return xml_escape(printable(s(j)));
}

std::string level_of(const Json& row) {
  return row["level"].is_string() ? row["level"].get<std::string>() : "none";
}

// The inventories that are lists of entity refs, the non-empty ones: (label, refs escaped by
// `escape` and joined with ", ").
std::vector<std::pair<std::string, std::string>> entity_lists(const Json& inv,
                                                              std::string (*escape)(const Json&)) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, label] :
       {std::pair{"missing_cost_center", "Without cost centre"},
        std::pair{"missing_data_classification", "Without data classification"},
        std::pair{"outside_golden_path", "Outside any golden path"}}) {
    if (inv[key].empty()) continue;
    std::vector<std::string> refs;
    for (const Json& r : inv[key]) refs.push_back(escape(r));
    out.emplace_back(label, fmt::format("{}", fmt::join(refs, ", ")));
  }
  return out;
}

const char* kKpis[][2] = {{"golden_path_adoption", "Golden paths"},
                          {"security_compliance", "Security"},
                          {"cost_attribution", "Cost"},
                          {"escalation_coverage", "Escalation"}};

// "1 entity", "2 entities": `n` and the singular or plural noun.
std::string count(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}
std::string count(const Json& n, std::string_view one, std::string_view many) {
  return n.is_number_unsigned() || n.is_number_integer()
             ? count(static_cast<std::size_t>(n.get<std::int64_t>()), one, many)
             : fmt::format("{} {}", s(n), many);
}

std::string refs_of(const Json& list) {
  return fmt::format("{}", fmt::join(list.get<std::vector<std::string>>(), ", "));
}

// "a from b, c from d" of moved entities ({entity, from|to}).
std::string moves(const Json& list, const char* dir) {
  std::vector<std::string> out;
  for (const Json& m : list) out.push_back(fmt::format("{} {} {}", s(m["entity"]), dir, s(m[dir])));
  return fmt::format("{}", fmt::join(out, ", "));
}

// "Merged from reports of …" when a --mixed-dates merge lists several days; else "".
std::string mixed_dates(const Json& report) {
  if (!report.contains("merged_dates") || !report["merged_dates"].is_array()) return "";
  std::vector<std::string> days;
  for (const Json& d : report["merged_dates"]) days.push_back(s(d));
  return fmt::format(
      "Merged from reports made on different days ({}): days left and to sunset are counted "
      "from {}, each finding on its report's day.",
      fmt::join(days, ", "), s(report["today"]));
}

// The messages of the report's `notes` (why areas are not measured), once each.
std::vector<std::string> notes(const Json& report) {
  std::vector<std::string> out;
  if (report.contains("notes") && report["notes"].is_array())
    for (const Json& n : report["notes"]) out.push_back(s(n["message"]));
  return out;
}

// One comparison row (a team's, or the org's) as a line of text.
std::string change_line(const Json& t) {
  std::vector<std::string> parts;
  if (t["level_move"].is_string()) parts.push_back(s(t["level_move"]));
  if (!t["findings_added"].empty())
    parts.push_back(count(t["findings_added"].size(), "finding", "findings") + " added");
  if (!t["findings_fixed"].empty())
    parts.push_back(count(t["findings_fixed"].size(), "finding", "findings") + " fixed");
  for (const auto& [key, findings, label, dir] :
       {std::tuple{"entities_moved_in", "findings_moved_in", "moved in", "from"},
        std::tuple{"entities_moved_out", "findings_moved_out", "moved out", "to"}}) {
    if (!t.contains(key) || t[key].empty()) continue;
    std::string p = fmt::format("{} {}: {}", count(t[key].size(), "entity", "entities"), label,
                                moves(t[key], dir));
    if (!t[findings].empty())
      p += fmt::format(" (with {})", count(t[findings].size(), "finding", "findings"));
    parts.push_back(std::move(p));
  }
  if (t.contains("entities_moved") && !t["entities_moved"].empty()) {
    std::vector<std::string> m;
    for (const Json& x : t["entities_moved"])
      m.push_back(fmt::format("{} ({} → {})", s(x["entity"]), s(x["from"]), s(x["to"])));
    parts.push_back(fmt::format("{} changed team: {}",
                                count(t["entities_moved"].size(), "entity", "entities"),
                                fmt::join(m, ", ")));
  }
  for (const auto& [key, label] :
       {std::pair{"escape_hatches_opened", "opened"}, std::pair{"escape_hatches_closed", "closed"},
        std::pair{"escape_hatches_expired", "expired"}})
    if (!t[key].empty())
      parts.push_back(fmt::format("{} {}: {}",
                                  t[key].size() == 1 ? "escape hatch" : "escape hatches", label,
                                  refs_of(t[key])));
  if (parts.empty()) {
    if (!t.contains("ref")) return "no change in level, findings, owners or escape hatches";
    parts.push_back(t["new_level"].is_null() ? "no longer in the report" : "new in the report");
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

// The lines of a comparison, the org's first: (who, what changed) with "Organisation" for the
// org, and an empty `who` before the line saying that no team changed.
std::vector<std::pair<std::string, std::string>> change_lines(const Json& comparison) {
  std::vector<std::pair<std::string, std::string>> out;
  if (comparison.contains("org")) out.emplace_back("Organisation", change_line(comparison["org"]));
  if (comparison["touched"].empty())
    out.emplace_back("", "no team's level, findings, owners or escape hatches change");
  for (const Json& t : comparison["teams"])
    if (t["changed"].get<bool>()) out.emplace_back(s(t["ref"]), change_line(t));
  return out;
}

}  // namespace

namespace {

// Repository names shown under the org line: the first kMaxShown, then how many more (a merge of
// thousands of repositories must not make a job summary of megabytes).
template <typename Escape>
std::string repository_names(const Json& report, Escape escape) {
  constexpr std::size_t kMaxShown = 20;
  const Json& all = report["repositories"];
  std::vector<std::string> names;
  for (std::size_t i = 0; i < all.size() && i < kMaxShown; ++i)
    names.push_back(escape(all[i]["name"]));
  std::string out = fmt::format("{}", fmt::join(names, ", "));
  if (all.size() > kMaxShown) out += fmt::format(" and {} more", all.size() - kMaxShown);
  return out;
}

}  // namespace

std::string render_markdown(const Json& report, const Json* comparison) {
  std::ostringstream o;
  const Json& org = report["org"];
  o << "## Catalog compliance by team\n\n";
  o << fmt::format("{}, {}, org level **{}** ({}). ", count(org["entities"], "entity", "entities"),
                   count(org["findings"]["total"], "finding", "findings"), md(level_of(org)),
                   md(report["today"]));
  std::vector<std::string> k;
  for (const auto& [key, label] : kKpis)
    k.push_back(fmt::format("{} {}", label, pct(org["kpis"][key])));
  o << fmt::format("{}\n\n", fmt::join(k, " · "));
  if (report.contains("repositories") && report["repositories"].size() > 1)
    o << fmt::format("Merged from {} repositories: {}.\n\n", report["repositories"].size(),
                     repository_names(report, md));
  if (const std::string days = mixed_dates(report); !days.empty()) o << md(days) << "\n\n";
  for (const std::string& n : notes(report)) o << "**Note**: " << md(n) << "\n\n";
  if (comparison != nullptr) {
    o << "### Teams this change touches\n\n";
    for (const auto& [who, what] : change_lines(*comparison))
      o << (who.empty() ? fmt::format("- None: {}\n", md(what))
                        : fmt::format("- **{}**: {}\n", md(who), md(what)));
    o << "\n";
  }
  o << "| Team | Parent | Level | Entities | Findings";
  for (const auto& [key, label] : kKpis) o << " | " << label;
  for (const Json& l : report["levels"]) o << " | " << md(l["name"]);
  o << " |\n|---|---|---|--:|--:";
  for (std::size_t i = 0; i < 4 + report["levels"].size(); ++i) o << "|--:";
  o << "|\n";
  for (const Json& t : report["teams"]) {
    o << fmt::format("| {} | {} | {} | {} | {}", md(t["ref"]),
                     t["parent"].is_string() ? md(t["parent"]) : "—", md(level_of(t)),
                     s(t["entities"]), s(t["findings"]["total"]));
    for (const auto& [key, label] : kKpis) o << " | " << pct(t["kpis"][key]);
    for (const Json& l : report["levels"])
      o << " | " << share_text(t["levels"][s(l["name"])]["share"]);
    o << " |\n";
  }
  o << "\n";
  for (const Json& t : report["teams"]) {
    o << fmt::format("<details><summary>{}: {}, {}, {}</summary>\n\n", md(t["ref"]),
                     md(level_of(t)), count(t["entities"], "entity", "entities"),
                     count(t["findings"]["total"], "finding", "findings"));
    o << "| Area | Pass | Fail | Not applicable | Not measured | Share "
         "|\n|---|--:|--:|--:|--:|--:|\n";
    for (const std::string& a : area_ids()) {
      const Json& c = t["areas"][a];
      o << fmt::format("| {} | {} | {} | {} | {} | {} |\n", a, s(c["pass"]), s(c["fail"]),
                       s(c["not_applicable"]), s(c["not_measured"]), share_text(c["share"]));
    }
    const Json& inv = t["inventories"];
    if (!inv["escape_hatches"].empty()) {
      o << "\n**Escape hatches**\n\n| Entity | State | Reason | Approval | Approved by | Expires | "
           "Days left | Monitoring |\n|---|---|---|---|---|---|--:|---|\n";
      for (const Json& x : inv["escape_hatches"])
        o << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", md(x["entity"]),
                         md(x["state"]), md(x["reason"]), md(x["approval"]), md(x["approved_by"]),
                         md(x["expires"]), md(x["days_left"]), md(x["monitoring"]));
    }
    if (!inv["deprecated"].empty()) {
      o << "\n**Deprecated**\n\n| Entity | Deprecated on | Sunset | Notice (days) | Required | "
           "Days to sunset |\n|---|---|---|--:|--:|--:|\n";
      for (const Json& x : inv["deprecated"])
        o << fmt::format("| {} | {} | {} | {} | {} | {} |\n", md(x["entity"]),
                         md(x["deprecated_on"]), md(x["sunset_date"]), md(x["notice_days"]),
                         md(x["required_notice_days"]), md(x["days_to_sunset"]));
    }
    for (const auto& [label, refs] : entity_lists(inv, md))
      o << fmt::format("\n**{}**: {}\n", label, refs);
    o << "\n</details>\n\n";
  }
  // Findings no entity carries (a file that is not YAML, a config or catalog-source problem):
  // counted in the org's total, so they are listed too (a trial: the totals did not add up).
  const Json& loose = report["unattributed_findings"];
  if (!loose.empty()) {
    constexpr std::size_t kShown = 50;  // a job summary has room for a table, not thousands
    o << fmt::format(
        "<details><summary>Not attributed to a team: {}</summary>\n\n| Where | Severity | Rule | "
        "Message |\n|---|---|---|---|\n",
        count(loose.size(), "finding", "findings"));
    for (std::size_t i = 0; i < loose.size() && i < kShown; ++i) {
      const Json& f = loose[i];
      o << fmt::format("| {}:{} | {} | {} | {} |\n", md(f["file"]), s(f["line"]), md(f["severity"]),
                       md(f["rule"]), md(f["message"]));
    }
    if (loose.size() > kShown)
      o << fmt::format("\n… and {} more (the JSON report lists them all).\n",
                       loose.size() - kShown);
    o << "\n</details>\n\n";
  }
  return o.str();
}

namespace {

// `text` percent-encoded for a URL path (RFC 3986 unreserved characters and '/' kept).
std::string url_path(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// How a finding's place is shown and linked: each repository's own template
// (`repositories[].source_url`), else --source-url's; in a report of several repositories the
// place names its repository.
struct Links {
  std::map<std::string, std::string> by_repository;
  std::string fallback;
  bool name_repository = false;

  Links(const Json& report, const HtmlOptions& options) : fallback(options.source_url) {
    if (!report.contains("repositories")) return;
    for (const Json& r : report["repositories"])
      if (r["source_url"].is_string())
        by_repository[r["name"].get<std::string>()] = r["source_url"].get<std::string>();
    name_repository = report["repositories"].size() > 1;
  }

  // The cell of finding `f` of `entity`: "file:line", a link when a template applies; when the
  // report has several repositories, the repository first in an element of its own (as text,
  // "repo: file:line" was ambiguous for a name or path holding ": ").
  std::string cell(const Json& entity, const Json& f) const {
    const std::string repo = entity.contains("repository") ? s(entity["repository"]) : "";
    const std::string where = fmt::format("{}:{}", s(f["file"]), s(f["line"]));
    const std::string named = name_repository && !repo.empty()
                                  ? fmt::format("<span class=\"repository\">{}</span> ", h(repo))
                                  : std::string();
    const auto own = by_repository.find(repo);
    std::string url = own != by_repository.end() ? own->second : fallback;
    if (url.empty()) return named + h(where);
    // Each placeholder replaced once, left to right: a replacement is never searched again.
    std::string out;
    for (std::size_t at = 0; at < url.size();) {
      if (url.compare(at, 6, "{path}") == 0) {
        out += url_path(s(f["file"])), at += 6;
      } else if (url.compare(at, 6, "{line}") == 0) {
        out += s(f["line"]), at += 6;
      } else if (url.compare(at, 12, "{repository}") == 0) {
        out += url_path(repo), at += 12;
      } else {
        out += url[at++];
      }
    }
    return fmt::format("{}<a href=\"{}\">{}</a>", named, h(out), h(where));
  }
};

std::string anchor(const Json& ref) {
  std::string out = "team-";
  for (char c : s(ref)) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

constexpr std::string_view kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1f2328}
h1{font-size:1.6em}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;width:100%}th,td{border:1px solid #d0d7de;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f6f8fa}#teams th{cursor:pointer}td.n{text-align:right}
.kpis{display:flex;gap:1em;flex-wrap:wrap}.kpi{border:1px solid #d0d7de;border-radius:6px;padding:.5em 1em}
.kpi b{display:block;font-size:1.5em}.lv-none{color:#cf222e}.muted{color:#656d76}
.note{border-left:4px solid #9a6700;background:#fff8c5;padding:.3em .8em}
.repository{display:block;font-size:.85em;color:#656d76}
@media print{#teams th{cursor:auto}section{break-inside:avoid-page}a{color:inherit}}
)";

constexpr std::string_view kScript = R"(
document.querySelectorAll('#teams th').forEach(function(th,i){th.addEventListener('click',function(){
var tb=th.closest('table').tBodies[0],rows=Array.from(tb.rows),asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';
rows.sort(function(a,b){var x=a.cells[i].dataset.v||a.cells[i].textContent,y=b.cells[i].dataset.v||b.cells[i].textContent;
var nx=parseFloat(x),ny=parseFloat(y),c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?c:-c;});
rows.forEach(function(r){tb.appendChild(r);});});});
)";

// The number of UTF-8 code points of `text`.
std::size_t code_points(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

constexpr std::size_t kLabelChars = 48;

// A chart label: `ref`, or "…" and its last kLabelChars - 1 code points when longer.
std::string chart_label(const std::string& ref) {
  const std::string text = printable(ref);
  if (code_points(text) <= kLabelChars) return text;
  std::size_t keep = 0, at = text.size();
  while (at > 0 && keep < kLabelChars - 1) {
    --at;
    if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80) ++keep;
  }
  return "…" + text.substr(at);
}

const char* kColours[] = {"#cd7f32", "#9ea7ad", "#d4a017", "#2da44e", "#0969da", "#8250df"};

// An SVG chart: per team, a bar split by the highest level its entities reach.
std::string chart(const Json& report) {
  const Json& levels = report["levels"];
  const Json& teams = report["teams"];
  // The labels' column is as wide as the longest label (at most kLabelChars code points, cut
  // at the front: the end of a ref names the team), at ~7 px a character of a 12 px sans font.
  std::vector<std::string> labels;
  std::size_t longest = 0;
  for (const Json& t : teams) {
    labels.push_back(chart_label(s(t["ref"])));
    longest = std::max(longest, code_points(labels.back()));
  }
  const int row = 26, width = 460;
  const int left = std::max(120, 16 + static_cast<int>(7.2 * static_cast<double>(longest)));
  const int height = 40 + row * static_cast<int>(teams.size()) + 30;
  std::ostringstream o;
  o << fmt::format(
      "<svg id=\"levels-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "role=\"img\" aria-label=\"levels per team\">",
      left + width + 20, height);
  o << fmt::format(
      "<text x=\"0\" y=\"16\" font-size=\"13\" font-weight=\"bold\">Entities by highest level "
      "reached</text>");
  int y = 30;
  std::size_t label = 0;
  for (const Json& t : teams) {
    const double n = t["entities"].get<double>();
    o << fmt::format(
        "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\"><title>{}</title>{}</text>",
        left - 8, y + 15, h(t["ref"]), h(labels[label++]));
    double x = left;
    // Below the first level, then each level's exact count (reached it but not the next).
    std::vector<std::pair<std::string, double>> parts{
        {"none", t["below_first_level"].get<double>()}};
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const double here = t["levels"][s(levels[i]["name"])]["reached"].get<double>();
      const double next = i + 1 < levels.size()
                              ? t["levels"][s(levels[i + 1]["name"])]["reached"].get<double>()
                              : 0;
      parts.emplace_back(s(levels[i]["name"]), here - next);
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (n <= 0 || parts[i].second <= 0) continue;
      const double w = width * parts[i].second / n;
      o << fmt::format(
          "<rect class=\"bar\" data-level=\"{}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" "
          "height=\"20\" fill=\"{}\"><title>{}: {} {}</title></rect>",
          h(parts[i].first), x, y, w, i == 0 ? "#cf222e" : kColours[(i - 1) % 6], h(t["ref"]),
          parts[i].second, h(parts[i].first));
      x += w;
    }
    y += row;
  }
  int lx = left;
  std::vector<std::string> names{"none"};
  for (const Json& l : levels) names.push_back(s(l["name"]));
  for (std::size_t i = 0; i < names.size(); ++i) {
    o << fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" "
        "font-size=\"12\">{}</text>",
        lx, y + 6, i == 0 ? "#cf222e" : kColours[(i - 1) % 6], lx + 16, y + 16, h(names[i]));
    lx += 24 + 8 * static_cast<int>(names[i].size()) + 12;
  }
  o << "</svg>";
  return o.str();
}

}  // namespace

std::string render_html(const Json& report, const Json* comparison, const HtmlOptions& options) {
  std::ostringstream o;
  const Json& org = report["org"];
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
       "<title>Catalog compliance by team</title><style>"
    << kStyle << "</style></head><body>\n";
  o << fmt::format(
      "<h1>Catalog compliance by team</h1><p class=\"muted\">{} · catalog-lint {} · levels: ",
      h(report["today"]), h(report["tool"]["version"]));
  for (const Json& l : report["levels"])
    o << fmt::format(
        "<b>{}</b> ({}) ", h(l["name"]),
        h(fmt::format("{}", fmt::join(l["require"].get<std::vector<std::string>>(), ", "))));
  o << "</p>\n";
  const Links links(report, options);
  if (links.name_repository)
    o << fmt::format("<p id=\"repositories\" class=\"muted\">{} repositories: {}</p>\n",
                     report["repositories"].size(), repository_names(report, h));
  if (const std::string days = mixed_dates(report); !days.empty())
    o << "<p id=\"merged-dates\">" << h(days) << "</p>\n";
  for (const std::string& n : notes(report))
    o << "<p class=\"note\"><b>Note</b>: " << h(n) << "</p>\n";
  o << "<section id=\"org\"><h2>Organisation</h2><div class=\"kpis\">";
  o << fmt::format("<div class=\"kpi\" id=\"org-entities\"><b>{}</b>{}</div>", h(org["entities"]),
                   org["entities"] == 1 ? "entity" : "entities");
  o << fmt::format("<div class=\"kpi\" id=\"org-findings\"><b>{}</b>{}</div>",
                   h(org["findings"]["total"]),
                   org["findings"]["total"] == 1 ? "finding" : "findings");
  o << fmt::format("<div class=\"kpi\" id=\"org-level\"><b>{}</b>org level</div>",
                   h(level_of(org)));
  for (const auto& [key, label] : kKpis)
    o << fmt::format("<div class=\"kpi\" id=\"org-{}\"><b>{}</b>{}</div>", key,
                     h(pct(org["kpis"][key])), label);
  o << "</div>\n" << chart(report) << "</section>\n";
  if (comparison != nullptr) {
    o << "<section id=\"changes\"><h2>What changed</h2><ul>";
    for (const auto& [who, what] : change_lines(*comparison))
      o << (who.empty() ? fmt::format("<li>None: {}</li>", h(what))
                        : fmt::format("<li><b>{}</b>: {}</li>", h(who), h(what)));
    o << "</ul></section>\n";
  }
  o << "<section><h2>Teams</h2><table "
       "id=\"teams\"><thead><tr><th>Team</th><th>Parent</th><th>Level</th><th>Entities</"
       "th><th>Findings</th>";
  for (const auto& [key, label] : kKpis) o << "<th>" << label << "</th>";
  for (const Json& l : report["levels"]) o << "<th>" << h(l["name"]) << "</th>";
  o << "</tr></thead><tbody>\n";
  for (const Json& t : report["teams"]) {
    o << fmt::format(
        "<tr class=\"team\" data-team=\"{}\" data-level=\"{}\" data-entities=\"{}\" "
        "data-findings=\"{}\">",
        h(t["ref"]), h(level_of(t)), h(t["entities"]), h(t["findings"]["total"]));
    o << fmt::format(
        "<td><a href=\"#{}\">{}</a></td><td>{}</td><td class=\"lv-{}\">{}</td><td "
        "class=\"n\">{}</td><td class=\"n\">{}</td>",
        anchor(t["ref"]), h(t["ref"]), h(t["parent"]), h(level_of(t)), h(level_of(t)),
        h(t["entities"]), h(t["findings"]["total"]));
    for (const auto& [key, label] : kKpis) {
      const Json& k = t["kpis"][key];
      o << fmt::format("<td class=\"n\" data-v=\"{}\">{}</td>",
                       k["share"].is_null() ? "-1" : s(k["share"]), h(pct(k)));
    }
    // The share of its entities at each level or above, as in the markdown table.
    for (const Json& l : report["levels"]) {
      const Json& share = t["levels"][s(l["name"])]["share"];
      o << fmt::format("<td class=\"n\" data-level-share=\"{}\" data-v=\"{}\">{}</td>",
                       h(l["name"]), share.is_null() ? "-1" : s(share), h(share_text(share)));
    }
    o << "</tr>\n";
  }
  o << "</tbody></table></section>\n";
  // The entities of each team, its departments' too: each entity's chain of Groups is walked
  // once (at most 256 Groups up, as the counts do), not once per team.
  std::map<std::string, std::string> parents;  // team -> parent team
  for (const Json& t : report["teams"])
    if (t["parent"].is_string()) parents[s(t["ref"])] = s(t["parent"]);
  std::map<std::string, std::vector<const Json*>, std::less<>> members;
  for (const Json& e : report["entities"]) {
    if (!e["team"].is_string()) {
      members[std::string(kUnowned)].push_back(&e);
      continue;
    }
    std::set<std::string> seen;
    for (std::string g = e["team"].get<std::string>();
         !g.empty() && seen.size() < 256 && seen.insert(g).second;) {
      members[g].push_back(&e);
      const auto it = parents.find(g);
      g = it == parents.end() ? std::string() : it->second;
    }
  }
  static const std::vector<const Json*> no_members;
  for (const Json& t : report["teams"]) {
    o << fmt::format(
        "<section class=\"team-section\" id=\"{}\"><h2>{} <span class=\"muted\">{} · {} · "
        "{}</span></h2>",
        anchor(t["ref"]), h(t["ref"]), h(level_of(t)),
        h(count(t["entities"], "entity", "entities")),
        h(count(t["findings"]["total"], "finding", "findings")));
    o << "<table><thead><tr><th>Area</th><th>Pass</th><th>Fail</th><th>Not applicable</th><th>Not "
         "measured</th><th>Share</th></tr></thead><tbody>";
    for (const std::string& a : area_ids()) {
      const Json& c = t["areas"][a];
      o << fmt::format(
          "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
          "class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
          a, h(c["pass"]), h(c["fail"]), h(c["not_applicable"]), h(c["not_measured"]),
          share_text(c["share"]));
    }
    o << "</tbody></table>";
    const Json& inv = t["inventories"];
    if (!inv["escape_hatches"].empty()) {
      o << "<h3>Escape "
           "hatches</h3><table><thead><tr><th>Entity</th><th>State</th><th>Reason</"
           "th><th>Approval</"
           "th><th>Approved by</th><th>Expires</th><th>Days "
           "left</th><th>Monitoring</th></tr></thead><tbody>";
      for (const Json& x : inv["escape_hatches"])
        o << fmt::format(
            "<tr><td>{}</td><td "
            "class=\"hatch-{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td "
            "class=\"n\">{}</td><td>{}</td></tr>",
            h(x["entity"]), h(x["state"]), h(x["state"]), h(x["reason"]), h(x["approval"]),
            h(x["approved_by"]), h(x["expires"]), h(x["days_left"]), h(x["monitoring"]));
      o << "</tbody></table>";
    }
    if (!inv["deprecated"].empty()) {
      o << "<h3>Deprecated</h3><table><thead><tr><th>Entity</th><th>Deprecated "
           "on</th><th>Sunset</th><th>Notice (days)</th><th>Required</th><th>Days to "
           "sunset</th></tr></thead><tbody>";
      for (const Json& x : inv["deprecated"])
        o << fmt::format(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td "
            "class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            h(x["entity"]), h(x["deprecated_on"]), h(x["sunset_date"]), h(x["notice_days"]),
            h(x["required_notice_days"]), h(x["days_to_sunset"]));
      o << "</tbody></table>";
    }
    for (const auto& [label, refs] : entity_lists(inv, h))
      o << fmt::format("<p><b>{}</b>: {}</p>", label, refs);
    // The findings of the team's entities (its departments' too).
    std::vector<std::string> rows;
    const auto mine = members.find(s(t["ref"]));
    for (const Json* e : mine == members.end() ? no_members : mine->second)
      for (const Json& f : (*e)["findings"])
        rows.push_back(fmt::format(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            links.cell(*e, f), h((*e)["ref"]), h(level_of(*e)), h(f["severity"]), h(f["rule"]),
            h(f["message"])));
    if (!rows.empty())
      o << fmt::format(
          "<h3>Findings</h3><table "
          "class=\"findings\"><thead><tr><th>Where</th><th>Entity</th><th>Entity "
          "level</th><th>Severity</th><th>Rule</"
          "th><th>Message</th></tr></thead><tbody>{}</tbody></table>",
          fmt::join(rows, ""));
    o << "</section>\n";
  }
  if (const Json& loose = report["unattributed_findings"]; !loose.empty()) {
    std::vector<std::string> rows;
    for (const Json& f : loose)
      rows.push_back(fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                                 links.cell(f, f), h(f["severity"]), h(f["rule"]),
                                 h(f["message"])));
    o << fmt::format(
        "<section class=\"team-section\" id=\"unattributed\"><h2>Not attributed to a team "
        "<span class=\"muted\">{}</span></h2><p>Findings that no entity carries (a file that is "
        "not an entity, a config or catalog-source problem); the organisation's total counts "
        "them.</p><table class=\"findings\"><thead><tr><th>Where</th><th>Severity</th>"
        "<th>Rule</th><th>Message</th></tr></thead><tbody>{}</tbody></table></section>\n",
        h(Json(count(loose.size(), "finding", "findings"))), fmt::join(rows, ""));
  }
  o << "<script>" << kScript << "</script></body></html>\n";
  return o.str();
}

}  // namespace catalog_lint::team
