// Shared command-line support (cli_support.h).
#include "cli_support.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include <fmt/format.h>

#include "core/registry.h"
#include "core/suggest.h"

namespace catalog_lint {

ClosedStreams plug_closed_streams() {
  ClosedStreams closed;
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    const int null = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);  // takes the lowest fd
    if (null >= 0 && null != fd) dup2(null, fd), close(null);
    if (fd == 0) closed.in = true;
    if (fd == 1) closed.out = true;
    if (fd == 2) closed.err = true;
  }
  return closed;
}

std::optional<std::string> write_stdout(std::string_view text, const ClosedStreams& closed) {
  if (text.empty()) return std::nullopt;
  if (closed.out) return std::string("cannot write the report to standard output: it is closed");
  while (!text.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) return std::nullopt;  // the reader stopped reading: not an error
    if (n <= 0)
      return fmt::format("cannot write the report to standard output: {}", std::strerror(errno));
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return std::nullopt;
}

bool stdout_reader_gone() {
  struct stat st {};
  if (fstat(STDOUT_FILENO, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
    return false;
  pollfd p{STDOUT_FILENO, 0, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

int checked_stdout(int code, const ClosedStreams& closed) {
  std::cout.flush();
  if (std::cout.good() && !closed.out) return code;
  if (!closed.out && stdout_reader_gone()) return code;  // `| head`: the reader had enough
  std::cerr << "catalog-lint: error: cannot write to standard output\n";
  return kExitError;
}

std::optional<std::string> command_line_rules(const std::vector<std::string>& rules,
                                              const std::vector<std::string>& disabled,
                                              std::map<std::string, Severity, std::less<>>& out) {
  const Registry& registry = Registry::instance();
  for (const std::string& r : rules) {
    const std::size_t eq = r.find('=');
    const std::string id = r.substr(0, eq);
    const auto sev = eq == std::string::npos ? std::nullopt : parse_severity(r.substr(eq + 1));
    if (!sev) return fmt::format("--rule '{}': expected RULE=error|warning|note|off", r);
    if (registry.find(id) == nullptr)
      return fmt::format("--rule '{}': unknown rule '{}'; {}`catalog-lint rules` lists them", r, id,
                         did_you_mean(id, registry.ids()));
    out[id] = *sev;
  }
  for (const std::string& id : disabled) {
    if (registry.find(id) == nullptr)
      return fmt::format("--disable '{}': unknown rule; {}`catalog-lint rules` lists them", id,
                         did_you_mean(id, registry.ids()));
    out[id] = Severity::off;
  }
  return std::nullopt;
}

std::optional<std::string> apply_limits(const std::vector<std::string>& args, Limits& limits) {
  for (const std::string& a : args) {
    const std::size_t eq = a.find('=');
    const std::string name = a.substr(0, eq);
    unsigned long long value = 0;
    const std::string text = eq == std::string::npos ? "" : a.substr(eq + 1);
    const bool number = !text.empty() &&
                        text.find_first_not_of("0123456789") == std::string::npos &&
                        text.size() <= 12;
    if (number) value = std::stoull(text);
    if (!number || value == 0)
      return fmt::format("--limit '{}': expected NAME=N with a positive integer N", a);
    if (name == "file-bytes")
      limits.max_file_bytes = value;
    else if (name == "depth")
      limits.max_depth = static_cast<int>(std::min<unsigned long long>(value, 1'000'000));
    else if (name == "nodes")
      limits.max_nodes = value;
    else if (name == "documents")
      limits.max_documents = value;
    else if (name == "scalar-bytes")
      limits.max_scalar_bytes = value;
    else if (name == "findings")
      limits.max_findings = value;
    else
      return fmt::format(
          "--limit '{}': unknown limit '{}' (file-bytes, depth, nodes, documents, "
          "scalar-bytes, findings)",
          a, name);
  }
  return std::nullopt;
}

}  // namespace catalog_lint
