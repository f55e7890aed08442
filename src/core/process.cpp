#include "core/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string_view>

#include <fmt/format.h>

namespace catalog_lint {

std::optional<std::chrono::milliseconds> child_timeout_from_env() {
  const char* value = std::getenv(kChildTimeoutVariable);
  if (value == nullptr) return std::chrono::seconds(10);
  std::string_view text(value);
  if (text.empty() || text.find_first_not_of("0123456789") != text.npos) return std::nullopt;
  text.remove_prefix(std::min(text.find_first_not_of('0'), text.size()));  // leading zeros
  long long ms = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec != std::errc() || end != text.data() + text.size() || ms <= 0 || ms > kMaxChildTimeoutMs)
    return std::nullopt;  // (out of range, 0, or only zeros)
  return std::chrono::milliseconds(ms);
}

namespace {

// set_skip_after_timeout(): whether it is on, and the programs that were killed (deadline or
// output limit), each with the message later commands of it report.
struct TimedOut {
  std::mutex mutex;
  bool on = false;
  std::map<std::string, std::string, std::less<>> programs;
};

TimedOut& timed_out_programs() {
  static TimedOut t;
  return t;
}

}  // namespace

void set_skip_after_timeout(bool on) {
  TimedOut& t = timed_out_programs();
  std::lock_guard lock(t.mutex);
  t.on = on;
  t.programs.clear();
}

Command::Command(const std::vector<std::string>& argv, CommandLimits limits) : limits_(limits) {
  if (argv.empty()) return;
  {
    TimedOut& t = timed_out_programs();
    std::lock_guard lock(t.mutex);
    if (const auto it = t.programs.find(argv[0]); it != t.programs.end()) {
      result_.skipped = true;
      result_.killed = it->second;
      return;
    }
    program_ = argv[0];
  }
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return;
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]), close(in_pipe[1]);
    return;
  }
  std::vector<std::string> args = argv;
  // git reads the config of the repository it runs in, and a repository is input: it may name
  // commands that read-only git runs start (git-config(1)): `core.fsmonitor` (check-ignore,
  // ls-files), hooks (an index refresh runs post-index-change), and the transport of a partial
  // clone's lazy fetch of a missing blob (`core.sshCommand`, for `git show REV:path`). The
  // tool's git runs start none of them and never reach the network.
  if (args[0] == "git")
    args.insert(args.begin() + 1, {"-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
                                   "-c", "protocol.allow=never"});
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) {
    close(in_pipe[0]), close(in_pipe[1]), close(out_pipe[0]), close(out_pipe[1]);
    return;
  }
  if (pid_ == 0) {
    setpgid(0, 0);        // its own process group, so a kill reaches whatever it starts
    dup2(in_pipe[0], 0);  // dup2 clears O_CLOEXEC on the copies
    dup2(out_pipe[1], 1);
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    execvp(cargs[0], cargs.data());
    _exit(127);
  }
  setpgid(pid_, pid_);  // also here: the kill below must not depend on who ran first
  close(in_pipe[0]);
  close(out_pipe[1]);
  in_ = in_pipe[1];
  out_ = out_pipe[0];
  // Non-blocking writes: a pipe that polls writable may still have less room than a write
  // asks for, and a blocking write would then wait for a reader that waits for us.
  fcntl(in_, F_SETFL, fcntl(in_, F_GETFL) | O_NONBLOCK);
}

Command::~Command() {
  if (pid_ > 0) finish();
}

void Command::kill_group() {
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);  // in case setpgid failed
  if (in_ >= 0) close(in_), in_ = -1;
  if (out_ >= 0) close(out_), out_ = -1;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  result_.exit_code = -1;
}

void Command::time_out() {
  result_.timed_out = true;
  result_.killed = fmt::format("did not finish within {} ms", limits_.timeout.count());
  remember_kill();
}

void Command::remember_kill() {
  TimedOut& t = timed_out_programs();
  std::lock_guard lock(t.mutex);
  if (t.on)
    t.programs.emplace(program_,
                       fmt::format("was not run (an earlier {} {})", program_, result_.killed));
}

void Command::pump(std::string_view bytes) {
  using clock = std::chrono::steady_clock;
  const clock::time_point start = clock::now();
  const auto spent = [&] {
    return waited_ + std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
  };
  char buf[65536];
  while (out_ >= 0 || (in_ >= 0 && !bytes.empty())) {
    const bool writing = in_ >= 0 && !bytes.empty();
    pollfd fds[2];
    nfds_t n = 0;
    if (out_ >= 0) fds[n++] = {out_, POLLIN, 0};
    if (writing) fds[n++] = {in_, POLLOUT, 0};
    const std::chrono::milliseconds left = limits_.timeout - spent();
    if (left.count() <= 0) {
      kill_group();
      time_out();
      return;
    }
    // Only writing is asked for: once the bytes are out, return without waiting for output.
    const int timeout_ms = static_cast<int>(std::min<long long>(left.count(), 1 << 30));
    if (poll(fds, n, timeout_ms) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in_) {
        const ssize_t w = ::write(in_, bytes.data(), bytes.size());
        if (w < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (w <= 0) {  // it stopped reading (EPIPE): the rest is dropped
          close(in_), in_ = -1;
          bytes = {};
        } else {
          bytes.remove_prefix(static_cast<std::size_t>(w));
        }
      } else {
        const ssize_t r = read(out_, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
          close(out_), out_ = -1;
        } else {
          const std::size_t room = limits_.max_output - result_.output.size();
          result_.output.append(buf, std::min(room, static_cast<std::size_t>(r)));
          if (static_cast<std::size_t>(r) > room) {
            kill_group();
            result_.output_too_big = true;
            result_.killed = fmt::format("wrote more than {} bytes", limits_.max_output);
            remember_kill();
            return;
          }
        }
      }
    }
    if (in_ >= 0 && bytes.empty()) break;  // all written; the command may still be running
  }
  waited_ = spent();
}

void Command::write(std::string_view bytes) {
  if (pid_ > 0 && !bytes.empty()) pump(bytes);
}

CommandResult Command::finish() {
  if (pid_ <= 0) return result_;
  if (in_ >= 0) close(in_), in_ = -1;
  pump({});                       // reads to end of file
  if (pid_ <= 0) return result_;  // killed
  // Its output is closed; it may still run (it closed its standard output early): wait for it
  // within what is left of the deadline, polling (there is no waitpid with a timeout).
  using clock = std::chrono::steady_clock;
  const clock::time_point start = clock::now();
  std::chrono::microseconds nap(100);
  int status = 0;
  while (true) {
    const pid_t waited = waitpid(pid_, &status, WNOHANG);
    if (waited == pid_) break;
    if (waited < 0 && errno != EINTR) {
      pid_ = -1;
      return result_;
    }
    if (waited_ + (clock::now() - start) >= limits_.timeout) {
      kill_group();
      time_out();
      return result_;
    }
    usleep(static_cast<useconds_t>(nap.count()));
    nap = std::min(nap * 2, std::chrono::microseconds(10'000));
  }
  if (WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
  pid_ = -1;
  return result_;
}

void anchor_git_environment() {
  // A partial clone fetches a missing blob on demand (`git show REV:path`) through the
  // repository's transport settings: never (git 2.44 and later read this; older ones are held by
  // `-c protocol.allow=never`, Command).
  ::setenv("GIT_NO_LAZY_FETCH", "1", 1);
  std::error_code ec;
  const std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (ec) return;
  for (const char* name :
       {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0' || *value == '/') continue;
    ::setenv(name, (cwd / value).lexically_normal().c_str(), 1);
  }
  // With GIT_DIR and no GIT_WORK_TREE, git takes its own working directory as the work tree's top
  // (unless core.worktree says otherwise): fix the top that a git run here sees.
  if (std::getenv("GIT_DIR") != nullptr && std::getenv("GIT_WORK_TREE") == nullptr) {
    const CommandResult r = run_command({"git", "rev-parse", "--show-toplevel"});
    std::string top = r.exit_code == 0 ? r.output : "";
    while (!top.empty() && (top.back() == '\n' || top.back() == '\r')) top.pop_back();
    if (!top.empty()) ::setenv("GIT_WORK_TREE", top.c_str(), 1);
  }
}

std::vector<std::string> split_nul(std::string_view output) {
  std::vector<std::string> out;
  while (!output.empty()) {
    const std::size_t end = std::min(output.find('\0'), output.size());
    if (end > 0) out.emplace_back(output.substr(0, end));
    output.remove_prefix(std::min(end + 1, output.size()));
  }
  return out;
}

CommandResult run_command(const std::vector<std::string>& argv, std::string_view input,
                          CommandLimits limits) {
  Command command(argv, limits);
  command.write(input);
  return command.finish();
}

}  // namespace catalog_lint
