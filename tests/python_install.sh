#!/usr/bin/env bash
# Installs the Python package offline the way the README says (pip, no build isolation) into a fresh
# virtual environment, then imports it and runs the console script from outside the source tree.
set -euo pipefail
source_dir=$1
work=$2
python=${3:-/usr/bin/python3}
rm -rf "$work"
"$python" -m venv --system-site-packages "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --no-build-isolation --no-index "$source_dir"
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
