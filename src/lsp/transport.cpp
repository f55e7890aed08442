#include "lsp/transport.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <optional>

#include <fmt/format.h>

namespace catalog_lint::lsp {

bool FrameReader::fill() {
  if (pos_ > 0 && pos_ == buf_.size()) buf_.clear(), pos_ = 0;
  if (pos_ > (std::size_t{1} << 20)) buf_.erase(0, pos_), pos_ = 0;
  char chunk[65536];
  while (true) {
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Frame FrameReader::next() {
  // The header part: lines up to an empty one. CRLF is the protocol's; a bare LF is accepted.
  std::string error;
  std::optional<std::size_t> length;
  bool any_line = false;
  while (true) {
    std::size_t eol;
    while ((eol = buf_.find('\n', pos_)) == std::string::npos) {
      if (buf_.size() - pos_ > kMaxHeaderLine) {
        // A header line without end: drop what was read and say so once.
        pos_ = buf_.size();
        return Frame{Frame::Kind::bad_header,
                     {},
                     fmt::format("a header line is longer than {} bytes", kMaxHeaderLine)};
      }
      if (!fill()) return Frame{};
    }
    std::string_view line(buf_.data() + pos_, eol - pos_);
    // Bytes that are no header before a `Content-Length:` on the same line (the rest of a body
    // whose length was wrong, or garbage): said once, and reading resumes at the header, so
    // one bad frame does not swallow every message after it.
    if (const std::size_t at = lower(line).find("content-length:");
        at != std::string::npos && at > 0) {
      pos_ += at;
      return Frame{
          Frame::Kind::bad_header, {}, "bytes that are not a header came before 'Content-Length'"};
    }
    pos_ = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (!any_line) continue;  // blank lines between messages are skipped
      break;
    }
    any_line = true;
    if (line.size() > kMaxHeaderLine) {
      if (error.empty())
        error = fmt::format("a header line is longer than {} bytes", kMaxHeaderLine);
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      if (error.empty()) error = "a header line has no ':' (expected 'Content-Length: N')";
      continue;
    }
    const std::string name = lower(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-length") {
      std::size_t n = 0;
      bool ok = !value.empty() && value.size() <= 19;
      for (const char c : value) {
        if (c < '0' || c > '9') ok = false;
        if (ok) n = n * 10 + static_cast<std::size_t>(c - '0');
      }
      if (!ok) {
        if (error.empty())
          error = fmt::format("Content-Length '{}' is not a number of bytes",
                              std::string(value.substr(0, 40)));
      } else if (length && *length != n) {
        if (error.empty()) error = "two Content-Length headers give different lengths";
      } else {
        length = n;
      }
    }
    // Content-Type and unknown headers are ignored (the content is always UTF-8 JSON).
  }
  if (!error.empty()) return Frame{Frame::Kind::bad_header, {}, error};
  if (!length) return Frame{Frame::Kind::bad_header, {}, "the header has no Content-Length"};
  if (*length > max_bytes_) {
    std::size_t left = *length;
    while (left > 0) {
      if (pos_ == buf_.size() && !fill()) return Frame{};
      const std::size_t take = std::min(left, buf_.size() - pos_);
      pos_ += take;
      left -= take;
    }
    return Frame{
        Frame::Kind::too_large,
        {},
        fmt::format("the message is {} bytes, over the limit of {} bytes", *length, max_bytes_)};
  }
  while (buf_.size() - pos_ < *length)
    if (!fill()) return Frame{};
  Frame f{Frame::Kind::message, buf_.substr(pos_, *length), {}};
  pos_ += *length;
  return f;
}

bool FrameWriter::write(std::string_view body) {
  const std::string out = fmt::format("Content-Length: {}\r\n\r\n{}", body.size(), body);
  std::lock_guard lock(mutex_);
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::write(fd_, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace catalog_lint::lsp
