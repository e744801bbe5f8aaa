import os
import pathlib
import subprocess
import sys
import threading
import time

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("MMDREG_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
EXAMPLE_CSV = SOURCE_DIR / "examples" / "data" / "devices.csv"


def shared_dir():
    """../shared (or MMDREG_SHARED_DIR); None when it is not there."""
    path = pathlib.Path(os.environ.get("MMDREG_SHARED_DIR", SOURCE_DIR.parent / "shared"))
    return path if path.is_dir() else None


def generate_rows(path, count):
    """Writes `count` valid rows of the shared generator to `path` and returns it; skips the test
    when ../shared/bench/gen_autopilot_csv.py is not there."""
    shared = shared_dir()
    generator = shared / "bench" / "gen_autopilot_csv.py" if shared else None
    if generator is None or not generator.is_file():
        pytest.skip("../shared/bench/gen_autopilot_csv.py is not present")
    subprocess.run([sys.executable, str(generator), str(count), str(path)], check=True)
    return path


def run_watching_the_gil(work):
    """Runs `work()` on a thread while this thread spins, and returns (the seconds `work` took,
    the longest gap between two turns of the spinning loop). A native call that holds the GIL
    stalls the loop for (nearly) the whole call; one that releases it leaves only short gaps.
    An exception in `work` is raised here."""
    took, failure = [], []

    def timed():
        start = time.perf_counter()
        try:
            work()
        except BaseException as e:  # re-raised in the calling thread
            failure.append(e)
        took.append(time.perf_counter() - start)

    worker = threading.Thread(target=timed)
    longest_gap = 0.0
    last = time.perf_counter()
    worker.start()
    while worker.is_alive():
        now = time.perf_counter()
        longest_gap = max(longest_gap, now - last)
        last = now
    worker.join()
    if failure:
        raise failure[0]
    return took[0], longest_gap


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
