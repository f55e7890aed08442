#include "core/process.h"

#include <fcntl.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

namespace catalog_lint {

CommandResult run_command(const std::vector<std::string>& argv, std::string_view input) {
  CommandResult result;
  if (argv.empty()) return result;
  int in_pipe[2], out_pipe[2];
  if (pipe(in_pipe) != 0) return result;
  if (pipe(out_pipe) != 0) {
    close(in_pipe[0]), close(in_pipe[1]);
    return result;
  }
  std::vector<std::string> args = argv;
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(in_pipe[0]), close(in_pipe[1]), close(out_pipe[0]), close(out_pipe[1]);
    return result;
  }
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    close(in_pipe[0]), close(in_pipe[1]), close(out_pipe[0]), close(out_pipe[1]);
    execvp(cargs[0], cargs.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  std::size_t written = 0;
  bool writing = true;
  if (input.empty()) {
    close(in_pipe[1]);
    writing = false;
  }
  char buf[8192];
  while (true) {
    fd_set rfds, wfds;
    FD_ZERO(&rfds);
    FD_ZERO(&wfds);
    FD_SET(out_pipe[0], &rfds);
    if (writing) FD_SET(in_pipe[1], &wfds);
    const int maxfd = std::max(out_pipe[0], writing ? in_pipe[1] : 0) + 1;
    if (select(maxfd, &rfds, writing ? &wfds : nullptr, nullptr, nullptr) < 0) break;
    if (writing && FD_ISSET(in_pipe[1], &wfds)) {
      const ssize_t n = write(in_pipe[1], input.data() + written, input.size() - written);
      if (n <= 0 || (written += static_cast<std::size_t>(n)) == input.size()) {
        close(in_pipe[1]);
        writing = false;
      }
    }
    if (FD_ISSET(out_pipe[0], &rfds)) {
      const ssize_t n = read(out_pipe[0], buf, sizeof buf);
      if (n <= 0) break;
      result.output.append(buf, static_cast<std::size_t>(n));
    }
  }
  if (writing) close(in_pipe[1]);
  close(out_pipe[0]);
  int status = 0;
  if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

}  // namespace catalog_lint
