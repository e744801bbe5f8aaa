#!/usr/bin/env bash
# bench/python_validate.sh [ROWS]: validation throughput from Python (mmdreg.validate on a path,
# one thread) against the C++ validator (bench_validate, one thread) on the same generated
# autopilot CSV (default 100,000 rows, one defect every 50 rows). Both figures are the best of a
# few runs. Passes (exit 0) when Python reaches at least 90 % of the C++ rate.
#
# Environment: MMDREG_BUILD_DIR (default build/dev: configured here when new; its _core and
# bench_validate targets are built), MMDREG_SHARED_DIR (default ../shared), PYTHON (default
# /usr/bin/python3).
set -euo pipefail
rows=${1:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${MMDREG_BUILD_DIR:-$root/build/dev}
shared=${MMDREG_SHARED_DIR:-$root/../shared}
python=${PYTHON:-/usr/bin/python3}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMMDREG_BUILD_BENCH=ON \
    -DMMDREG_BUILD_PYTHON=ON -DMMDREG_BUILD_TESTS=OFF -DMMDREG_BUILD_FUZZ=OFF \
    -DMMDREG_BUILD_EXAMPLES=OFF >"$build.configure.log" 2>&1 \
    || { cat "$build.configure.log" >&2; echo "python_validate.sh: configuring failed" >&2; exit 1; }
fi
cmake --build "$build" --target _core bench_validate -j2 >"$build.build.log" 2>&1 \
  || { tail -n 40 "$build.build.log" >&2; echo "python_validate.sh: building failed" >&2; exit 1; }

data="$build/bench-data"
mkdir -p "$data"
file="$data/autopilot-$rows.csv"
if [ ! -s "$file" ]; then
  echo "generating $rows rows into $file" >&2
  "$python" "$shared/bench/gen_autopilot_csv.py" "$rows" "$file.tmp" --bad-every 50
  mv "$file.tmp" "$file"
fi

# The machine may be shared: C++ and Python runs alternate (three rounds), and each side keeps its
# best figure, so that a burst of other work does not favour either side.
cxx_seconds=
python_seconds=
for round in 1 2 3; do
  cxx_out=$("$build/bench/bench_validate" "$file")
  run=$(echo "$cxx_out" | sed -n 's/^1 thread : \([0-9.]*\) s, .*/\1/p')
  if [ -z "$cxx_seconds" ] || [ "$(echo "$run < $cxx_seconds" | bc -l)" = 1 ]; then
    cxx_seconds=$run
    cxx_line=$(echo "$cxx_out" | grep '^1 thread : .*rows=')
  fi
  run=$(PYTHONPATH="$build/python" "$python" - "$file" "$rows" <<'PY'
import sys, time
import mmdreg

path, rows = sys.argv[1], int(sys.argv[2])
best = None
for _ in range(3):
    start = time.perf_counter()
    report = mmdreg.validate(path)
    took = time.perf_counter() - start
    best = took if best is None or took < best else best
s = report.summary
assert s.rows == rows and s.rejected == rows // 50, s
assert len(report.findings) == s.errors + s.warnings
print(f"{best:.6f}")
PY
)
  if [ -z "$python_seconds" ] || [ "$(echo "$run < $python_seconds" | bc -l)" = 1 ]; then
    python_seconds=$run
  fi
done
echo "c++      : $cxx_line"
"$python" - "$file" "$rows" "$cxx_seconds" "$python_seconds" <<'PY'
import os, sys

path, rows, cxx, py = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
size_mb = os.path.getsize(path) / 1e6
ratio = cxx / py
print(f"python   : {py:.3f} s, {size_mb / py:.0f} MB/s, {rows / py:.0f} rows/s (mmdreg.validate, 1 thread)")
print(f"python_validate python_mb_per_s={size_mb / py:.0f} cxx_mb_per_s={size_mb / cxx:.0f} "
      f"of_cxx={ratio:.3f} {'ok' if ratio >= 0.9 else 'BELOW 0.9'}")
sys.exit(0 if ratio >= 0.9 else 1)
PY
