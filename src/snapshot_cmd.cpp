#include "snapshot_cmd.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <memory>
#include <set>
#include <thread>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/config.h"
#include "core/discover.h"
#include "core/file_io.h"
#include "core/repo.h"
#include "core/snapshot.h"
#include "core/version.h"
#include "report/output.h"
#include "report/report.h"

namespace catalog_lint {

namespace {

constexpr int kExitClean = 0;
constexpr int kExitError = 2;

// The Backstage catalog endpoint that pages with cursors (catalog-backend
// `src/service/createRouter.ts`, GET /entities/by-query; response `{items, totalItems, pageInfo:
// {nextCursor?, prevCursor?}}`).
constexpr std::string_view kByQueryPath = "/api/catalog/entities/by-query";
// Pages fetched at most: a server whose cursors never end is an error, not a hang.
constexpr int kMaxPages = 100'000;

void error(const std::string& message) {
  std::cerr << "catalog-lint: error: " << printable(message) << "\n";
}

std::size_t catalog_byte_limit(const Limits& limits) {
  return limits.max_file_bytes > std::numeric_limits<std::size_t>::max() / kCatalogJsonBytesScale
             ? std::numeric_limits<std::size_t>::max()
             : limits.max_file_bytes * kCatalogJsonBytesScale;
}

/// libcurl's functions, loaded with dlopen when `--from-url` needs them. Linked, libcurl made
/// every run load about 30 shared libraries (TLS, Kerberos, LDAP…) and run their
/// initialisers: 3 ms of a 7 ms one-file lint (bench/RESULTS.md, issue 12), for a network
/// that a lint never touches.
struct CurlApi {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_global_cleanup) global_cleanup;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_easy_escape) easy_escape;
  decltype(&::curl_free) free;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_url) url;
  decltype(&::curl_url_cleanup) url_cleanup;
  decltype(&::curl_url_get) url_get;
  decltype(&::curl_url_set) url_set;
};

CurlApi g_curl;  // filled by load_curl before any use

/// Loads libcurl (Debian's libcurl4: libcurl.so.4, or libcurl3-gnutls's libcurl-gnutls.so.4,
/// the same ABI) into g_curl; false with `why` set when it is not installed or lacks a function
/// (the URL API needs libcurl 7.62; CURLOPT_PROTOCOLS_STR 7.85, Debian 12 has 7.88).
bool load_curl(std::string& why) {
  std::vector<std::string> reasons;  // why each candidate could not serve
  for (const char* name : {"libcurl.so.4", "libcurl-gnutls.so.4"}) {
    void* lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      const char* e = dlerror();
      reasons.push_back(e ? e : fmt::format("{}: cannot be loaded", name));
      continue;
    }
    const char* missing = nullptr;
    auto get = [&](auto& fn, const char* symbol) {
      void* address = dlsym(lib, symbol);
      if (address == nullptr && missing == nullptr) missing = symbol;
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(address);
    };
    get(g_curl.global_init, "curl_global_init");
    get(g_curl.global_cleanup, "curl_global_cleanup");
    get(g_curl.easy_init, "curl_easy_init");
    get(g_curl.easy_setopt, "curl_easy_setopt");
    get(g_curl.easy_perform, "curl_easy_perform");
    get(g_curl.easy_getinfo, "curl_easy_getinfo");
    get(g_curl.easy_cleanup, "curl_easy_cleanup");
    get(g_curl.easy_strerror, "curl_easy_strerror");
    get(g_curl.easy_escape, "curl_easy_escape");
    get(g_curl.free, "curl_free");
    get(g_curl.slist_append, "curl_slist_append");
    get(g_curl.slist_free_all, "curl_slist_free_all");
    get(g_curl.url, "curl_url");
    get(g_curl.url_cleanup, "curl_url_cleanup");
    get(g_curl.url_get, "curl_url_get");
    get(g_curl.url_set, "curl_url_set");
    if (missing == nullptr) return true;  // the library stays loaded until exit
    reasons.push_back(fmt::format("{} has no {}: not a libcurl of 7.85 or later", name, missing));
    dlclose(lib);
  }
  why = fmt::format(
      "--from-url needs libcurl 7.85 or later (libcurl.so.4: apt-get install libcurl4); {}",
      fmt::join(reasons, "; "));
  return false;
}

struct CurlUrlDeleter {
  void operator()(CURLU* u) const { g_curl.url_cleanup(u); }
};
struct CurlDeleter {
  void operator()(CURL* c) const { g_curl.easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { g_curl.slist_free_all(l); }
};

// One part of a parsed URL ("" when absent).
std::string url_part(CURLU* u, CURLUPart part) {
  char* text = nullptr;
  if (g_curl.url_get(u, part, &text, 0) != CURLUE_OK || text == nullptr) return "";
  std::string out = text;
  g_curl.free(text);
  return out;
}

// The by-query URL of the first page, and the same URL without user info or query for messages.
struct PageUrls {
  std::string first;    // with the user's query (filter, fields, …) and `limit`
  std::string base;     // scheme://host:port/…/by-query, for the following pages
  std::string display;  // base without user:password, shown in messages and `sources`
};

std::optional<PageUrls> page_urls(const std::string& given, int page_size, std::string& why) {
  std::unique_ptr<CURLU, CurlUrlDeleter> u(g_curl.url());
  if (!u || g_curl.url_set(u.get(), CURLUPART_URL, given.c_str(), 0) != CURLUE_OK) {
    why = fmt::format(
        "--from-url '{}' is not a URL; give the Backstage base URL, e.g. "
        "https://backstage.example.com",
        given);
    return std::nullopt;
  }
  const std::string scheme = url_part(u.get(), CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") {
    why = fmt::format("--from-url '{}': only http and https URLs are fetched", given);
    return std::nullopt;
  }
  std::string path = url_part(u.get(), CURLUPART_PATH);
  if (path.find(kByQueryPath) == std::string::npos) {
    while (!path.empty() && path.back() == '/') path.pop_back();
    path += kByQueryPath;
    g_curl.url_set(u.get(), CURLUPART_PATH, path.c_str(), 0);
  }
  g_curl.url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  const std::string query = url_part(u.get(), CURLUPART_QUERY);
  const bool has_limit = query.starts_with("limit=") || query.find("&limit=") != std::string::npos;
  if (!has_limit)
    g_curl.url_set(u.get(), CURLUPART_QUERY, fmt::format("limit={}", page_size).c_str(),
                   CURLU_APPENDQUERY);
  PageUrls out;
  out.first = url_part(u.get(), CURLUPART_URL);
  g_curl.url_set(u.get(), CURLUPART_QUERY, nullptr, 0);
  out.base = url_part(u.get(), CURLUPART_URL);
  g_curl.url_set(u.get(), CURLUPART_USER, nullptr, 0);
  g_curl.url_set(u.get(), CURLUPART_PASSWORD, nullptr, 0);
  out.display = url_part(u.get(), CURLUPART_URL);
  return out;
}

// A response body, bounded.
struct Body {
  std::string bytes;
  std::size_t limit = 0;
  bool over = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t n, void* user) {
  Body& body = *static_cast<Body*>(user);
  const std::size_t len = size * n;
  if (body.bytes.size() + len > body.limit) {
    body.over = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  body.bytes.append(data, len);
  return len;
}

using Clock = std::chrono::steady_clock;

// Fetches every page of `args.from_url` into `builder`; an error message, or std::nullopt.
std::optional<std::string> fetch_catalog(const SnapshotArgs& args, const Limits& limits,
                                         SnapshotBuilder& builder) {
  std::string why;
  const auto urls = page_urls(args.from_url, args.page_size, why);
  if (!urls) return why;
  std::string token;
  if (const char* t = std::getenv(args.token_env.c_str())) token = t;
  if (token.find_first_of("\r\n") != std::string::npos)
    return fmt::format("the token in ${} contains a line break", args.token_env);
  std::unique_ptr<curl_slist, SlistDeleter> headers(
      g_curl.slist_append(nullptr, "Accept: application/json"));
  if (!token.empty())
    headers.reset(
        g_curl.slist_append(headers.release(), ("Authorization: Bearer " + token).c_str()));
  std::unique_ptr<CURL, CurlDeleter> curl(g_curl.easy_init());
  if (!curl || !headers) return std::string("cannot start libcurl");
  char curl_error[CURL_ERROR_SIZE] = {};
  const std::string agent = fmt::format("catalog-lint/{}", kVersion);
  CURL* c = curl.get();
  g_curl.easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  g_curl.easy_setopt(c, CURLOPT_USERAGENT, agent.c_str());
  g_curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  g_curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // the token goes only where the user said
  g_curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  g_curl.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate when the server offers it
  g_curl.easy_setopt(c, CURLOPT_ERRORBUFFER, curl_error);
  g_curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
  g_curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::max(1.0, args.connect_timeout * 1000)));

  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<long long>(args.timeout * 1000));
  const std::size_t byte_limit = catalog_byte_limit(limits);
  std::size_t total_bytes = 0, entities = 0;
  std::set<std::string> cursors;
  std::string url = urls->first;
  for (int page = 1;; ++page) {
    if (page > kMaxPages)
      return fmt::format("'{}': more than {} pages; the server's cursors do not end", urls->display,
                         kMaxPages);
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0)
      return fmt::format("'{}': timed out after {} s (--timeout) at page {}", urls->display,
                         args.timeout, page);
    Body body;
    body.limit = byte_limit - total_bytes;
    curl_error[0] = '\0';
    g_curl.easy_setopt(c, CURLOPT_URL, url.c_str());
    g_curl.easy_setopt(c, CURLOPT_WRITEDATA, &body);
    g_curl.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(left));
    const CURLcode rc = g_curl.easy_perform(c);
    if (body.over)
      return fmt::format(
          "'{}': the catalog is over {} bytes ({} × `--limit file-bytes`); raise the limit",
          urls->display, byte_limit, kCatalogJsonBytesScale);
    if (rc == CURLE_OPERATION_TIMEDOUT)
      return fmt::format(
          "'{}': timed out at page {} (--connect-timeout {} s, --timeout {} s for the whole "
          "fetch)",
          urls->display, page, args.connect_timeout, args.timeout);
    if (rc != CURLE_OK)
      return fmt::format("'{}': {}", urls->display,
                         curl_error[0] != '\0' ? curl_error : g_curl.easy_strerror(rc));
    long status = 0;
    g_curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status == 401 || status == 403)
      return token.empty()
                 ? fmt::format(
                       "'{}' answered HTTP {} ({}): no token was sent; put a Backstage "
                       "token in ${} (or name another variable with --token-env)",
                       urls->display, status, status == 401 ? "unauthorized" : "forbidden",
                       args.token_env)
                 : fmt::format("'{}' answered HTTP {} ({}): the token in ${} was refused",
                               urls->display, status, status == 401 ? "unauthorized" : "forbidden",
                               args.token_env);
    if (status >= 500)
      return fmt::format("'{}' answered HTTP {} (server error) at page {}; try again later",
                         urls->display, status, page);
    if (status >= 300 && status < 400) {
      char* location = nullptr;
      g_curl.easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
      return fmt::format(
          "'{}' answered HTTP {} (redirect to '{}'); give that URL: redirects are not followed, "
          "so that the token goes only where you say",
          urls->display, status, location ? location : "");
    }
    if (status != 200)
      return fmt::format(
          "'{}' answered HTTP {}; give the base URL of a Backstage backend (its catalog answers "
          "at {})",
          urls->display, status, kByQueryPath);
    total_bytes += body.bytes.size();
    const std::string name =
        page == 1 ? urls->display : fmt::format("{} (page {})", urls->display, page);
    JsonCatalog catalog = parse_json_catalog(body.bytes, name, limits);
    if (!catalog.error.empty()) return catalog.error;
    for (const JsonCatalog::Item& item : catalog.entities)
      if (builder.add(item.root, item.file == name ? urls->display : item.file, item.line))
        ++entities;
    if (catalog.next_cursor.empty()) break;
    if (!cursors.insert(catalog.next_cursor).second)
      return fmt::format("'{}': page {} repeats an earlier cursor; the server's paging loops",
                         urls->display, page);
    char* escaped = g_curl.easy_escape(c, catalog.next_cursor.c_str(),
                                       static_cast<int>(catalog.next_cursor.size()));
    if (escaped == nullptr) return std::string("cannot escape the page cursor");
    url = fmt::format("{}?limit={}&cursor={}", urls->base, args.page_size, escaped);
    g_curl.free(escaped);
  }
  builder.add_source("url", urls->display, entities);
  return std::nullopt;
}

// The path a snapshot records for `file`: relative to the repository root when inside it.
std::string recorded_path(const std::string& file, const std::string& root) {
  const ArtifactUri uri = artifact_uri(file, root);
  return uri.relative ? uri.path : file;
}

// What reading the entity YAML files gave: their entities in `builder`, per-file errors in file
// order, and the documents left out.
struct YamlOutcome {
  std::unique_ptr<SnapshotBuilder> builder;
  std::vector<std::string> errors;
  std::size_t entities = 0, skipped = 0, broken = 0;
};

// Reads, parses and reduces `files` on `jobs` threads.
YamlOutcome read_yaml_files(const std::vector<std::string>& files, const Limits& limits,
                            const std::string& root, const std::string& prefix, unsigned jobs) {
  struct PerFile {
    std::string error;
    std::size_t entities = 0, skipped = 0, broken = 0;
  };
  std::vector<PerFile> per_file(files.size());
  const unsigned threads =
      static_cast<unsigned>(std::clamp<std::size_t>(files.size(), 1, std::max(1u, jobs)));
  std::vector<std::unique_ptr<SnapshotBuilder>> builders;
  for (unsigned t = 0; t < threads; ++t)
    builders.push_back(std::make_unique<SnapshotBuilder>(prefix));
  std::atomic<std::size_t> next{0};
  auto work = [&](SnapshotBuilder& builder) {
    for (std::size_t i = next++; i < files.size(); i = next++) {
      const std::string& file = files[i];
      PerFile& out = per_file[i];
      try {
        FileBytes bytes = read_regular_file(file, limits.max_file_bytes);
        if (bytes.too_big) {
          out.error = fmt::format("'{}' is {} bytes, over the limit of {} (--limit file-bytes)",
                                  file, bytes.size, limits.max_file_bytes);
          continue;
        }
        if (!bytes.error.empty()) {
          out.error = fmt::format("cannot read '{}': {}", file, bytes.error);
          continue;
        }
        const LoadedFile loaded = load_yaml(std::move(bytes.bytes), limits);
        const std::string recorded = recorded_path(file, root);
        for (const LoadedDocument& doc : loaded.documents) {
          if (doc.failed)
            ++out.broken;
          else if (doc.root != nullptr)
            (builder.add(doc.root, recorded, doc.root->pos.line) ? out.entities : out.skipped) += 1;
        }
      } catch (const std::bad_alloc&) {
        out.error = fmt::format("'{}': out of memory", file);
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, std::ref(*builders[t]));
    work(*builders[0]);
  }
  YamlOutcome outcome;
  outcome.builder = std::move(builders[0]);
  for (unsigned t = 1; t < threads; ++t) outcome.builder->merge(std::move(*builders[t]));
  for (const PerFile& f : per_file) {
    if (!f.error.empty()) outcome.errors.push_back(f.error);
    outcome.entities += f.entities;
    outcome.skipped += f.skipped;
    outcome.broken += f.broken;
  }
  return outcome;
}

// Adds the entities of `catalog` to `builder` on `jobs` threads; (added, left out).
std::pair<std::size_t, std::size_t> add_entities(const JsonCatalog& catalog,
                                                 SnapshotBuilder& builder,
                                                 const std::string& prefix, unsigned jobs) {
  const std::size_t n = catalog.entities.size();
  const unsigned threads = static_cast<unsigned>(
      std::clamp<std::size_t>(n / 1000, 1, std::max(1u, jobs)));  // small files: one thread
  std::vector<std::unique_ptr<SnapshotBuilder>> builders;
  std::vector<std::size_t> added(threads, 0);
  for (unsigned t = 0; t < threads; ++t)
    builders.push_back(std::make_unique<SnapshotBuilder>(prefix));
  auto work = [&](unsigned t) {
    for (std::size_t i = t * n / threads; i < (t + 1) * n / threads; ++i) {
      const JsonCatalog::Item& item = catalog.entities[i];
      if (builders[t]->add(item.root, item.file, item.line)) ++added[t];
    }
  };
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
  }
  std::size_t total = 0;
  for (unsigned t = 0; t < threads; ++t) {
    builder.merge(std::move(*builders[t]));
    total += added[t];
  }
  return {total, n - total};
}

}  // namespace

CLI::App* add_snapshot_command(CLI::App& app, SnapshotArgs& args) {
  CLI::App* cmd = app.add_subcommand(
      "snapshot",
      "write a JSON snapshot of an org catalog (docs/snapshot.md) from entity YAML, Backstage "
      "API exports (*.json) or a live Backstage (--from-url)");
  cmd->add_option("paths", args.paths,
                  "entity YAML files or folders, and *.json API exports or snapshots");
  cmd->add_option("--from-url", args.from_url,
                  "Backstage base URL, or its /api/catalog/entities/by-query URL (with a filter)")
      ->check(CLI::Validator(
          [](const std::string& url) {
            return url.empty() ? std::string(
                                     "an empty URL; give the Backstage base URL, e.g. "
                                     "https://backstage.example.com")
                               : std::string();
          },
          "URL"));
  cmd->add_option("--token-env", args.token_env,
                  "environment variable holding the bearer token (default BACKSTAGE_TOKEN)")
      ->check(CLI::Validator(
          [](const std::string& name) {
            // A POSIX environment variable name ([A-Za-z_][A-Za-z0-9_]*): `$` + it is shown.
            bool ok = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
            for (const char c : name)
              ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '_');
            return ok ? std::string()
                      : std::string("not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
          },
          "NAME"));
  cmd->add_option("--output,-o", args.output, "write the snapshot to FILE (default: stdout)");
  cmd->add_option("--connect-timeout", args.connect_timeout, "seconds per connection (default 10)")
      ->check(CLI::Range(0.001, 3600.0));
  cmd->add_option("--timeout", args.timeout, "seconds for the whole fetch (default 120)")
      ->check(CLI::Range(0.001, 86400.0));
  cmd->add_option("--page-size", args.page_size, "entities per request (default 500)")
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--jobs,-j", args.jobs, "worker threads (default: number of cores)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--limit", args.limit_args,
                  "resource limit NAME=N (file-bytes, depth, nodes, documents, scalar-bytes); "
                  "repeatable")
      ->allow_extra_args(false);
  return cmd;
}

int run_snapshot(const SnapshotArgs& args, const Limits& limits) {
  if (args.paths.empty() && args.from_url.empty()) {
    error("snapshot needs input: entity YAML files or folders, *.json API exports, or --from-url");
    return kExitError;
  }
  // The annotation prefix of the policy that applies here (the nearest .catalog-lint.yaml).
  std::string prefix = "platform/";
  {
    ConfigResolver resolver(RuleConfig{}, nullptr);
    const ResolvedConfig& config = resolver.for_file("catalog-info.yaml");
    if (config.error) {
      std::cerr << "catalog-lint: " << printable(config.error->format()) << "\n";
      return kExitError;
    }
    prefix = config.policy().annotation_prefix;
  }
  const std::string root = find_repo_root();
  SnapshotBuilder builder(prefix);
  std::vector<std::string> yaml_paths, json_paths, inputs;
  for (const std::string& p : args.paths)
    (is_catalog_json_path(p) ? json_paths : yaml_paths).push_back(p);
  bool failed = false;
  std::vector<std::jthread> releases;  // joined on return

  if (!yaml_paths.empty()) {
    const Discovery found = discover(yaml_paths);
    for (const auto& [path, reason] : found.errors) {
      error(fmt::format("{}: {}", path, reason));
      failed = true;
    }
    inputs.insert(inputs.end(), found.files.begin(), found.files.end());
    const YamlOutcome yaml = read_yaml_files(found.files, limits, root, prefix, args.jobs);
    for (const std::string& message : yaml.errors) error(message);
    failed = failed || !yaml.errors.empty();
    builder.merge(std::move(*yaml.builder));
    if (yaml.broken > 0)
      std::cerr << fmt::format(
          "catalog-lint: warning: {} YAML document(s) with syntax errors were left out; "
          "`catalog-lint` on the same paths shows them\n",
          yaml.broken);
    if (yaml.skipped > 0)
      std::cerr << fmt::format(
          "catalog-lint: warning: {} YAML document(s) without a string kind and metadata.name "
          "were left out\n",
          yaml.skipped);
    std::string location;
    for (const std::string& p : yaml_paths) location += (location.empty() ? "" : " ") + p;
    builder.add_source("yaml", location, yaml.entities);
  }
  for (const std::string& path : json_paths) {
    inputs.push_back(path);
    JsonCatalog catalog = read_json_catalog(path, limits);
    if (!catalog.error.empty()) {
      error(catalog.error);
      failed = true;
      continue;
    }
    const auto [entities, skipped] = add_entities(catalog, builder, prefix, args.jobs);
    if (skipped > 0)
      std::cerr << fmt::format(
          "catalog-lint: warning: '{}': {} entities without a string kind and metadata.name "
          "were left out\n",
          printable(path), skipped);
    // A snapshot given as input keeps its own `sources` out: only where its entities came from.
    builder.add_source("json", path, entities);
    // Freeing millions of nodes takes a while: another thread does it while the run goes on.
    releases.emplace_back([doomed = std::move(catalog.arena)]() mutable { doomed.reset(); });
  }
  if (failed) return kExitError;
  if (!args.from_url.empty()) {
    std::string why;
    if (!load_curl(why)) {
      error(why);
      return kExitError;
    }
    g_curl.global_init(CURL_GLOBAL_DEFAULT);
    const auto fetch_error = fetch_catalog(args, limits, builder);
    g_curl.global_cleanup();
    if (fetch_error) {
      error(*fetch_error);
      return kExitError;
    }
  }
  if (builder.size() == 0) {
    // An empty snapshot would make every reference to the org look dangling.
    error("the inputs hold no entities; nothing was written");
    return kExitError;
  }
  for (const std::string& ref : builder.duplicate_refs())
    std::cerr << fmt::format(
        "catalog-lint: warning: '{}' is defined more than once; the snapshot keeps every copy "
        "(Backstage keeps one: \"conflicting entityRef\")\n",
        printable(ref));
  const std::string text = builder.text(iso_time_now());
  const bool to_stdout = args.output.empty() || args.output == "-";
  if (!to_stdout) {
    // The output guard: never replace an input (compared by device and inode).
    if (const auto out_id = file_identity(args.output); out_id && out_id->name.empty())
      for (const std::string& in : inputs)
        if (const auto in_id = file_identity(in); in_id && *in_id == *out_id) {
          error(fmt::format("refusing to write '{}': it is the input file '{}'", args.output, in));
          return kExitError;
        }
    if (const auto write_error = write_output(args.output, text)) {
      error(*write_error);
      return kExitError;
    }
    std::cerr << fmt::format("catalog-lint: wrote {} {} to '{}'\n", builder.size(),
                             builder.size() == 1 ? "entity" : "entities", printable(args.output));
    return kExitClean;
  }
  // Standard output redirected into an input (`>> catalog-info.yaml`) would append to it.
  if (struct stat st{}; ::fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode))
    if (const auto out_id = file_identity("/dev/stdout"))
      for (const std::string& in : inputs)
        if (const auto in_id = file_identity(in); in_id && *in_id == *out_id) {
          error(fmt::format("refusing to write standard output: it is the input file '{}'", in));
          return kExitError;
        }
  std::cout << text;
  return kExitClean;
}

}  // namespace catalog_lint
