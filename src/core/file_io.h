// Reading input files safely: only regular files, never blocking, with a size limit.
#pragma once

#include <cstddef>
#include <string>

namespace catalog_lint {

/// A file's bytes, or why they could not be read.
struct FileBytes {
  std::string bytes;
  std::string error;            ///< strerror text, or why it is not a regular file; "" = read
  bool too_big = false;         ///< over the limit: `bytes` is empty, `size` says how big
  unsigned long long size = 0;  ///< bytes
};

/// Reads a regular file of at most `limit` bytes. FIFOs, devices and directories are refused
/// (never blocks); never throws.
FileBytes read_regular_file(const std::string& path, std::size_t limit);

}  // namespace catalog_lint
