#!/usr/bin/env bash
# Installs the Python package offline the way the README says (pip, no build isolation) into a fresh
# virtual environment, then imports it and runs the console script from outside the source tree.
# With $MMDREG_BUILD_DIR set (a release build tree of this source), pip must reuse that tree's native
# module instead of building a second one. A Python that cannot build wheels gets a clear message.
set -euo pipefail
source_dir=$1
work=$2
python=${3:-/usr/bin/python3}
rm -rf "$work"
"$python" -m venv --system-site-packages "$work/venv"
"$work/venv/bin/python" -m pip install -v --no-build-isolation --no-index "$source_dir" >"$work/pip.log" 2>&1 ||
  { tail -n 40 "$work/pip.log"; exit 1; }
if [ -n "${MMDREG_BUILD_DIR:-}" ] && ! grep -q "mmdreg: reusing the build tree $MMDREG_BUILD_DIR" "$work/pip.log"; then
  echo "pip did not reuse the build tree $MMDREG_BUILD_DIR:" >&2
  tail -n 40 "$work/pip.log" >&2
  exit 1
fi

# A venv without the system's packages has setuptools but no 'wheel': pip must fail with our message.
"$python" -m venv "$work/bare"
if "$work/bare/bin/python" -c "import wheel" 2>/dev/null; then
  echo "skipping the wheel-less check: this Python's venv has 'wheel'"
elif "$work/bare/bin/python" -m pip install --no-build-isolation --no-index "$source_dir" >"$work/bare.log" 2>&1; then
  echo "pip in a venv without 'wheel' succeeded unexpectedly" >&2
  exit 1
elif ! grep -q "cannot build wheels: its setuptools has no bdist_wheel command" "$work/bare.log"; then
  echo "pip in a venv without 'wheel' failed without mmdreg's message:" >&2
  tail -n 20 "$work/bare.log" >&2
  exit 1
fi
cd "$work"
"$work/venv/bin/python" - <<'PY'
import mmdreg, pathlib
assert pathlib.Path(mmdreg.__file__).is_relative_to(pathlib.Path.cwd()), mmdreg.__file__
assert mmdreg.format_group_tag(mmdreg.DeviceProfile.STANDARD) == "Microsoft365Managed_Standard"
print("installed", mmdreg.__version__, "at", mmdreg.__file__)
PY
if [ -f "$source_dir/python/mmdreg/__main__.py" ]; then
  "$work/venv/bin/mmdreg" --version
  "$work/venv/bin/python" -m mmdreg --version
fi
