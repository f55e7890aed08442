#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan + coverage) into build-fuzz/ and runs
# each one on its own corpus, seeded from testdata/ and examples/, all targets in parallel.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]      (default: 600 s, every target)
#
# Needs clang-14 and libclang-rt-14-dev (Debian). Corpora grow in build-fuzz/corpus/<target>/
# (not committed); crash, timeout and OOM inputs are written to build-fuzz/artifacts/<target>/.
# Turn each crash into a regression fixture under testdata/parse/fuzz-regressions/ (see
# tests/test_hostile.cpp). Exit status is non-zero when any target found a problem.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then targets=(fuzz_loader fuzz_pipeline fuzz_config fuzz_glob fuzz_suppression fuzz_catalog_json); fi

cxx="${CXX_FUZZ:-$(command -v clang++-14 || command -v clang++)}"
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DCATALOG_LINT_FUZZ=ON -DCATALOG_LINT_SANITIZE=ON \
  -DCATALOG_LINT_TESTS=OFF -DCATALOG_LINT_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"

# Seeds: every fixture and example (small files only), the fuzz regressions included, and one in
# ten of the 1,854 generated differential cases (libFuzzer replays every seed before it mutates:
# all of them made fuzz_pipeline spend 165 s of a 30 s budget replaying).
seeds() {
  find testdata examples -type f -size -64k -not -path 'testdata/differential/*' | sort
  find testdata/differential -type f -size -64k | sort | awk 'NR % 10 == 1'
}
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/artifacts/$t"
  seeds | while read -r f; do
    cp -f "$f" "build-fuzz/corpus/$t/seed-$(printf '%s' "$f" | md5sum | cut -c1-16)"
  done
done

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
pids=()
for t in "${targets[@]}"; do
  # -rss_limit_mb: an input that needs more memory than this is a bug (limits must hold).
  "build-fuzz/fuzz/$t" "build-fuzz/corpus/$t" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/artifacts/$t/" >"build-fuzz/$t.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    status=1
    echo "== ${targets[$i]}: FAILED, see build-fuzz/${targets[$i]}.log and build-fuzz/artifacts/"
  fi
  grep -E '^stat::number_of_executed_units|^Done|^==.*ERROR' "build-fuzz/${targets[$i]}.log" |
    sed "s/^/== ${targets[$i]}: /" || true
done
exit "$status"
