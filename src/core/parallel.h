// One way to run independent work items on the run's --jobs threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace catalog_lint {

/// Calls f(i) once for each i in [0, n), on up to `jobs` threads (the calling one included, and
/// no more threads than ceil(n / grain)), handing out indices in order as threads become free;
/// returns when all calls have returned. The first exception of any call stops the handing out
/// and is rethrown here after every thread has ended (escaping a thread, it ended the process).
template <class F>
void parallel_for(std::size_t n, unsigned jobs, const F& f, std::size_t grain = 1) {
  std::atomic<std::size_t> next{0};
  std::mutex failed_mutex;
  std::exception_ptr failed;
  auto work = [&] {
    try {
      for (std::size_t i; (i = next.fetch_add(1)) < n;) f(i);
    } catch (...) {
      const std::lock_guard lock(failed_mutex);
      if (!failed) failed = std::current_exception();
      next = n;  // the others stop too
    }
  };
  grain = std::max<std::size_t>(grain, 1);
  const std::size_t threads = std::min<std::size_t>(std::max(1u, jobs), (n + grain - 1) / grain);
  {
    std::vector<std::jthread> extra;
    for (std::size_t t = 1; t < threads; ++t) extra.emplace_back(work);
    work();
  }  // joined
  if (failed) std::rethrow_exception(failed);
}

}  // namespace catalog_lint
