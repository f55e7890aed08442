// The test runner: doctest's, plus the skip convention. A test that needs a tool which is not
// installed calls test::skip(); when nothing failed, the process then exits with 77, which ctest
// shows as "Skipped" (SKIP_RETURN_CODE in CMakeLists.txt). In CI (CI=true) such tests fail
// instead, so a missing install step cannot pass unnoticed.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>

#include "util.h"

int main(int argc, char** argv) {
  // As in catalog-lint's main: a child process (git) may exit before reading all we write.
  std::signal(SIGPIPE, SIG_IGN);
  doctest::Context context(argc, argv);
  const int failed = context.run();
  if (context.shouldExit()) return failed;
  if (failed == 0 && catalog_lint::test::skipped() > 0) return 77;
  return failed;
}
