#include "core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace catalog_lint {

FileBytes read_regular_file(const std::string& path, std::size_t limit) {
  FileBytes out;
  // Only regular files are read: a FIFO or a device (/dev/zero, a terminal) could block forever
  // or never end. O_NONBLOCK keeps open() itself from waiting for a FIFO's writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    out.error = std::strerror(errno);
    return out;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    out.error = std::strerror(errno);
    ::close(fd);
    return out;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    out.error = S_ISDIR(st.st_mode) ? std::strerror(EISDIR)
                                    : "not a regular file (a FIFO, socket or device)";
    return out;
  }
  out.size = static_cast<unsigned long long>(st.st_size);
  if (out.size > limit) {
    ::close(fd);
    out.too_big = true;
    return out;
  }
  out.bytes.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) out.error = std::strerror(errno);
    if (n <= 0) break;
    out.bytes.append(buf, static_cast<std::size_t>(n));
    if (out.bytes.size() > limit) {  // it grew while read: enough to know it is too big
      out.too_big = true;
      out.size = out.bytes.size();
      out.bytes.clear();
      break;
    }
  }
  ::close(fd);
  return out;
}

}  // namespace catalog_lint
