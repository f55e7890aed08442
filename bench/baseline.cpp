// Parse-only baseline for the benchmark: what yaml-cpp alone costs, the ceiling for catalog-lint.
//
// For every file the linter would lint: read it, load every YAML document with yaml-cpp and
// visit every node (recursively, keys and values), on --jobs threads. No rules, no positions, no
// output per file.
//
//   catalog-lint-baseline [--jobs N] [--mode load|events] [--all] PATH...
//
// --mode load   (default) YAML::LoadAll + a recursive walk of the YAML::Node tree.
// --mode events the event parser (YAML::Parser + a counting EventHandler), no node tree: the
//               cost of scanning and parsing alone, which is what an event-driven loader pays.
// --all         parse every *.yaml / *.yml of a walked directory (the baseline before issue 12).
// A directory is walked as the linter's discovery walks it (src/core/discover.cpp): *.yaml / *.yml
// files named catalog-*.yaml|yml are taken, every other one is read (its first 64 KiB) and taken
// only when it declares a Backstage apiVersion, so the baseline parses exactly the files the
// linter parses and pays the same sniff for the rest (Kubernetes manifests, CI workflows,
// mkdocs.yml...). The walk and the sniff run on the main thread before parsing, as the linter's.
// Prints one summary line on stdout; exit 0 (files that fail to parse are counted, not errors).
#include <fcntl.h>
#include <re2/re2.h>
#include <unistd.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>
#include <cerrno>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

/// Per-thread counters; summed at the end (also keeps the work from being optimised away).
struct Counters {
  std::size_t files = 0;
  std::size_t documents = 0;
  std::size_t nodes = 0;
  std::size_t scalar_bytes = 0;
  std::size_t parse_errors = 0;
  std::size_t bytes = 0;
};

/// Visits `node` and everything below it, counting nodes and scalar bytes.
void visit(const YAML::Node& node, Counters& c) {
  ++c.nodes;
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      c.scalar_bytes += node.Scalar().size();
      break;
    case YAML::NodeType::Sequence:
      for (const auto& child : node) visit(child, c);
      break;
    case YAML::NodeType::Map:
      for (const auto& kv : node) {
        visit(kv.first, c);
        visit(kv.second, c);
      }
      break;
    default:
      break;
  }
}

/// An event handler that only counts: the parser's own cost without building any tree.
class CountingHandler : public YAML::EventHandler {
 public:
  /// Counts into `c`.
  explicit CountingHandler(Counters& c) : c_(c) {}
  void OnDocumentStart(const YAML::Mark&) override { ++c_.documents; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { ++c_.nodes; }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { ++c_.nodes; }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    ++c_.nodes;
    c_.scalar_bytes += value.size();
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    ++c_.nodes;
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    ++c_.nodes;
  }
  void OnMapEnd() override {}

 private:
  Counters& c_;
};

/// Reads the whole file; false when it cannot be read.
bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = std::move(ss).str();
  return true;
}

/// Parses one file in the chosen mode, updating `c`.
void parse_one(const std::string& path, bool events, Counters& c) {
  std::string bytes;
  if (!read_file(path, bytes)) {
    ++c.parse_errors;
    return;
  }
  ++c.files;
  c.bytes += bytes.size();
  try {
    if (events) {
      std::istringstream in(bytes);
      YAML::Parser parser(in);
      CountingHandler handler(c);
      while (parser.HandleNextDocument(handler)) {
      }
    } else {
      const std::vector<YAML::Node> docs = YAML::LoadAll(bytes);
      c.documents += docs.size();
      for (const auto& d : docs) visit(d, c);
    }
  } catch (const YAML::Exception&) {
    ++c.parse_errors;
  }
}

/// The linter's name rule (src/core/discover.cpp is_catalog_file_name): `catalog-info.yaml|yml`
/// and `catalog-*.yaml|yml` are taken without looking inside.
bool is_catalog_file_name(std::string_view name) {
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (!ends(".yaml") && !ends(".yml")) return false;
  return name.substr(0, 8) == "catalog-";
}

/// The linter's sniff (src/core/discover.cpp file_sniffs_backstage): the first 64 KiB of the
/// file, read with read(2) into one reused buffer, a substring test for "backstage.io/", then
/// the same RE2 pattern for a Backstage apiVersion at the start of a line. False when the file
/// cannot be read.
bool file_sniffs_backstage(const fs::path& p) {
  static const RE2 re(
      R"((?m)^[ \t-]*["']?apiVersion["']?[ \t]*:[ \t]*["']?(?:scaffolder\.)?backstage\.io/)");
  constexpr std::size_t kSniffBytes = 64 * 1024;
  thread_local std::string buf(kSniffBytes, '\0');
  const int fd = ::open(p.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  std::size_t got = 0;
  while (got < kSniffBytes) {
    const ssize_t n = ::read(fd, buf.data() + got, kSniffBytes - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  const std::string_view head(buf.data(), got);
  if (head.find("backstage.io/") == std::string_view::npos) return false;
  return RE2::PartialMatch(head, re);
}

/// What collect() saw: YAML files walked, and of those the ones sniffed (read, not taken by name).
struct Walked {
  std::size_t yaml_files = 0;
  std::size_t sniffed = 0;
};

/// Expands directories into the files the linter's discovery takes (sorted per directory
/// argument): the same walk (.git and node_modules skipped, directory symlinks not followed),
/// every *.yaml / *.yml file taken by name or, failing that, by the sniff, which reads it on
/// this (the main) thread as the linter does. `all`: every *.yaml / *.yml file instead, unread
/// (the baseline before issue 12). Files named as arguments are taken as given. Not mirrored:
/// the linter's `git check-ignore` query (the trees ignore nothing) and its de-duplication.
std::vector<std::string> collect(const std::vector<std::string>& paths, bool all, Walked& w) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      files.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(p, fs::directory_options::none, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path& f = it->path();
      const std::string name = f.filename().string();
      std::error_code sec;
      const bool symlink = it->is_symlink(sec);
      if (it->is_directory(sec) && !symlink) {
        if (name == ".git" || name == "node_modules") it.disable_recursion_pending();
        continue;
      }
      const std::string ext = f.extension().string();
      if (ext != ".yaml" && ext != ".yml") continue;
      ++w.yaml_files;
      const bool regular = it->is_regular_file(sec);
      bool take = regular;
      if (!all && !is_catalog_file_name(name)) {
        ++w.sniffed;
        take = regular && file_sniffs_backstage(f);
      }
      if (take) found.push_back(f.string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

int usage() {
  std::cerr << "usage: catalog-lint-baseline [--jobs N] [--mode load|events] [--all] PATH...\n";
  return 2;
}

}  // namespace

/// Entry point: parses the arguments, runs the baseline and prints the summary line.
int main(int argc, char** argv) {
  unsigned jobs = 1;
  bool events = false;
  bool all = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if ((a == "--jobs" || a == "-j") && i + 1 < argc) {
      jobs = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else if (a == "--mode" && i + 1 < argc) {
      const std::string_view m = argv[++i];
      if (m != "load" && m != "events") return usage();
      events = m == "events";
    } else if (a == "--all") {
      all = true;
    } else if (a == "--help" || a == "-h") {
      usage();
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      return usage();
    } else {
      paths.emplace_back(a);
    }
  }
  if (paths.empty()) return usage();

  const auto t0 = std::chrono::steady_clock::now();
  Walked walked;
  const std::vector<std::string> files = collect(paths, all, walked);
  std::vector<Counters> per_thread(jobs);
  std::atomic<std::size_t> next{0};
  auto work = [&](unsigned t) {
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < files.size();)
      parse_one(files[i], events, per_thread[t]);
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(work, t);
  work(0);
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  Counters total;
  for (const auto& c : per_thread) {
    total.files += c.files;
    total.documents += c.documents;
    total.nodes += c.nodes;
    total.scalar_bytes += c.scalar_bytes;
    total.parse_errors += c.parse_errors;
    total.bytes += c.bytes;
  }
  std::printf(
      "baseline mode=%s jobs=%u yaml_files=%zu sniffed=%zu files=%zu bytes=%zu documents=%zu "
      "nodes=%zu scalar_bytes=%zu "
      "parse_errors=%zu seconds=%.4f files_per_s=%.0f\n",
      events ? "events" : "load", jobs, walked.yaml_files, walked.sniffed, total.files, total.bytes,
      total.documents, total.nodes, total.scalar_bytes, total.parse_errors, secs,
      secs > 0 ? total.files / secs : 0.0);
  return 0;
}
