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

# The Python baseline is timed on the whole file up to 20,000 rows; on a larger file it is timed
# on a 20,000-row prefix and the per-byte rates are compared.
python_rows=$(( rows < 20000 ? rows : 20000 ))
python_file=$file
if [ "$python_rows" -lt "$rows" ]; then
  python_file="$data/autopilot-$rows-prefix-$python_rows.csv"
  [ -s "$python_file" ] || head -n $(( python_rows + 1 )) "$file" > "$python_file"
  echo "python baseline timed on a $python_rows-row prefix ($python_file); x_python compares per-byte rates"
fi
python_bytes=$(stat -c %s "$python_file")
# bench_validate times the baseline in turn with its own one-thread runs (best of three each).
out=$("$bin" "$file" "$python_bytes" "python3 '$shared/bench/baseline_validate.py' '$python_file'")
rejected=$(echo "$out" | sed -n 's/^1 thread .*rejected=\([0-9]*\).*/\1/p')
expected=$(( rows / 50 ))
echo "$out" | sed '$d'
if [ "$rejected" = "$expected" ]; then
  echo "rejected rows: $rejected = ROWS/50 (expected $expected): ok"
else
  echo "rejected rows: $rejected, expected ROWS/50 = $expected: MISMATCH"
fi
echo "$out" | tail -n 1
