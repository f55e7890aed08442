// The base protocol of LSP 3.17 ("Base Protocol"): messages framed by a header part
// (`Content-Length: N`, optional `Content-Type`, each line ended by CRLF, then an empty line)
// and N bytes of JSON content.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

namespace catalog_lint::lsp {

/// The largest message the server reads: 64 MiB of content. A longer one is refused (its
/// content is read and dropped, and a JSON-RPC error answers it).
inline constexpr std::size_t kMaxMessageBytes = std::size_t{64} << 20;

/// The longest header line read (bytes): a longer one is a framing error.
inline constexpr std::size_t kMaxHeaderLine = 8192;

/// What one read from the stream produced.
struct Frame {
  enum class Kind {
    message,     ///< `body` holds the content of one message
    end,         ///< the stream ended (or failed) between messages
    bad_header,  ///< the header part was malformed (`error` says how); reading goes on after it
    too_large,   ///< Content-Length over the limit; the content was skipped
  };
  Kind kind = Kind::end;
  std::string body;
  std::string error;  ///< for bad_header and too_large: lower-case, no period
};

/// Reads framed messages from a file descriptor (blocking). Not thread-safe.
class FrameReader {
 public:
  explicit FrameReader(int fd, std::size_t max_bytes = kMaxMessageBytes)
      : fd_(fd), max_bytes_(max_bytes) {}
  /// The next frame. A stream that ends inside a header or a content is `end`.
  Frame next();

 private:
  bool fill();  // reads more bytes into buf_; false at end of stream
  int fd_;
  std::size_t max_bytes_;
  std::string buf_;
  std::size_t pos_ = 0;
};

/// Writes framed messages to a file descriptor, one whole message at a time (thread-safe).
class FrameWriter {
 public:
  explicit FrameWriter(int fd) : fd_(fd) {}
  /// Writes `Content-Length: N\r\n\r\n` and `body`; false when the stream is closed.
  bool write(std::string_view body);

 private:
  int fd_;
  std::mutex mutex_;
};

}  // namespace catalog_lint::lsp
