#include "core/process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace catalog_lint {

Command::Command(const std::vector<std::string>& argv) {
  if (argv.empty()) return;
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return;
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]), close(in_pipe[1]);
    return;
  }
  std::vector<std::string> args = argv;
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) {
    close(in_pipe[0]), close(in_pipe[1]), close(out_pipe[0]), close(out_pipe[1]);
    return;
  }
  if (pid_ == 0) {
    dup2(in_pipe[0], 0);  // dup2 clears O_CLOEXEC on the copies
    dup2(out_pipe[1], 1);
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    execvp(cargs[0], cargs.data());
    _exit(127);
  }
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

void Command::pump(std::string_view bytes) {
  char buf[8192];
  while (out_ >= 0 || (in_ >= 0 && !bytes.empty())) {
    const bool writing = in_ >= 0 && !bytes.empty();
    pollfd fds[2];
    nfds_t n = 0;
    if (out_ >= 0) fds[n++] = {out_, POLLIN, 0};
    if (writing) fds[n++] = {in_, POLLOUT, 0};
    // Only writing is asked for: once the bytes are out, return without waiting for output.
    if (poll(fds, n, -1) < 0) {
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
          result_.output.append(buf, static_cast<std::size_t>(r));
        }
      }
    }
    if (in_ >= 0 && bytes.empty()) return;  // all written; the command may still be running
  }
}

void Command::write(std::string_view bytes) {
  if (pid_ > 0 && !bytes.empty()) pump(bytes);
}

CommandResult Command::finish() {
  if (pid_ <= 0) return result_;
  if (in_ >= 0) close(in_), in_ = -1;
  pump({});  // reads to end of file
  int status = 0;
  pid_t waited;
  do waited = waitpid(pid_, &status, 0);
  while (waited < 0 && errno == EINTR);
  if (waited == pid_ && WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
  pid_ = -1;
  return result_;
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

CommandResult run_command(const std::vector<std::string>& argv, std::string_view input) {
  Command command(argv);
  command.write(input);
  return command.finish();
}

}  // namespace catalog_lint
