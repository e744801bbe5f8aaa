#!/usr/bin/env bash
# bench/run validate [ROWS]: generates an autopilot CSV of ROWS rows (default 250000, about 1 GB;
# also MMDREG_BENCH_ROWS) with one defect every 50 rows, times the Python baseline and the
# validator on it, and checks that exactly ROWS/50 rows are rejected.
set -euo pipefail
rows=${1:-${MMDREG_BENCH_ROWS:-250000}}
shared=${MMDREG_SHARED_DIR:?}
bin=${MMDREG_BENCH_BIN:?}
data=${MMDREG_BENCH_DATA_DIR:-$(dirname "$bin")/data}
mkdir -p "$data"
file="$data/autopilot-$rows.csv"
if [ ! -s "$file" ]; then
  echo "generating $rows rows into $file" >&2
  python3 "$shared/bench/gen_autopilot_csv.py" "$rows" "$file.tmp" --bad-every 50
  mv "$file.tmp" "$file"
fi

# The Python baseline validates the same file (about 25 s a run on 1 GB); bench_validate times it
# in turn with its own one-thread runs (best of three each).
out=$("$bin" "$file" "$(stat -c %s "$file")" "python3 '$shared/bench/baseline_validate.py' '$file'")
rejected=$(echo "$out" | sed -n 's/^1 thread .*rejected=\([0-9]*\).*/\1/p')
python_rejected=$(echo "$out" | sed -n 's/^python baseline: rows=[0-9]* rejected=\([0-9]*\).*/\1/p')
expected=$(( rows / 50 ))
echo "$out" | sed '$d'
if [ "$rejected" = "$expected" ] && [ "$python_rejected" = "$expected" ]; then
  echo "rejected rows: $rejected here and $python_rejected by the baseline = ROWS/50: ok"
else
  echo "rejected rows: $rejected here, $python_rejected by the baseline, expected ROWS/50 = $expected: MISMATCH"
fi
echo "$out" | tail -n 1
