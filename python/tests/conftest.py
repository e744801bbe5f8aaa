import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("MMDREG_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
EXAMPLE_CSV = SOURCE_DIR / "examples" / "data" / "devices.csv"


def shared_dir():
    """../shared (or MMDREG_SHARED_DIR); None when it is not there."""
    path = pathlib.Path(os.environ.get("MMDREG_SHARED_DIR", SOURCE_DIR.parent / "shared"))
    return path if path.is_dir() else None


@pytest.fixture
def example_csv():
    return EXAMPLE_CSV


@pytest.fixture
def example_lines():
    """The first lines of the example file (header + 6 rows without any finding), no line ends."""
    return EXAMPLE_CSV.read_text().splitlines()[:7]


@pytest.fixture
def clean_csv(tmp_path, example_lines):
    path = tmp_path / "clean.csv"
    path.write_text("\r\n".join(example_lines) + "\r\n")
    return path


@pytest.fixture
def bad_csv(tmp_path, example_lines):
    """The clean rows with a truncated hash on line 3 and a foreign group tag on line 5."""
    lines = list(example_lines)
    fields = lines[2].split(",")
    fields[2] = fields[2][:100]
    lines[2] = ",".join(fields)
    fields = lines[4].split(",")
    fields[3] = "Sales-Floor"
    lines[4] = ",".join(fields)
    path = tmp_path / "bad.csv"
    path.write_text("\r\n".join(lines) + "\r\n")
    return path


@pytest.fixture
def samples():
    shared = shared_dir()
    if shared is None or not (shared / "hwhash-samples").is_dir():
        pytest.skip("../shared/hwhash-samples is not present")
    return shared / "hwhash-samples"
