"""The mmdreg command, run as a subprocess exactly as users run it."""
import json
import subprocess
import sys


import mmdreg


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "mmdreg", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_version():
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"mmdreg {mmdreg.__version__}"


def test_usage_problems_exit_2(example_csv):
    assert run().returncode == 2
    assert run("frobnicate").returncode == 2
    assert run("validate").returncode == 2
    assert run("validate", example_csv, "--target", "moon").returncode == 2
    assert run("validate", example_csv, "--dialect", "excel").returncode == 2
    assert run("validate", example_csv, "--threads", "0").returncode == 2
    assert run("merge", example_csv).returncode == 2  # --out is required


def test_validate_clean_file_exits_0(clean_csv):
    done = run("validate", clean_csv)
    assert done.returncode == 0, done.stderr
    assert "6 rows: 6 accepted, 0 rejected, 0 errors, 0 warnings" in done.stdout
    assert "\033[" not in done.stdout  # no colour when stdout is not a terminal
    assert done.stderr == ""  # no progress when stderr is not a terminal


def test_validate_errors_exit_1_and_text_names_rule_line_and_fix(bad_csv):
    done = run("validate", bad_csv)
    assert done.returncode == 1
    assert "line 3 [Hardware Hash]: error hash-" in done.stdout
    assert "line 5 [Group Tag]: warning group-tag-foreign: " in done.stdout
    assert "fix: " in done.stdout


def test_validate_json_shape(bad_csv, clean_csv):
    done = run("validate", "--json", bad_csv, clean_csv)
    assert done.returncode == 1
    doc = json.loads(done.stdout)
    assert set(doc) == {"files", "summary"}
    assert [f["path"] for f in doc["files"]] == [str(bad_csv), str(clean_csv)]
    for f in doc["files"]:
        assert set(f) == {"path", "dialect", "encoding", "rows", "accepted", "rejected", "diagnostics"}
        assert f["dialect"] == "autopilot" and f["encoding"] == "ascii" and f["rows"] == 6
        for d in f["diagnostics"]:
            assert set(d) == {"line", "column", "rule", "severity", "message"}
            assert d["rule"] in {r[0] for r in mmdreg.RULES}
    bad, clean = doc["files"]
    assert (bad["accepted"], bad["rejected"]) == (5, 1)
    assert clean["diagnostics"] == []
    errors = sum(d["severity"] == "error" for d in bad["diagnostics"])
    warnings = sum(d["severity"] == "warning" for d in bad["diagnostics"])
    assert doc["summary"] == {"files": 2, "rows": 12, "accepted": 11, "rejected": 1,
                              "errors": errors, "warnings": warnings}
    assert (errors, warnings) == (1, 1)


def test_validate_json_clean_exits_0(clean_csv):
    done = run("validate", "--json", clean_csv, "--target", "intune", "--dialect", "autopilot")
    assert done.returncode == 0
    assert json.loads(done.stdout)["summary"]["errors"] == 0


def test_validate_unreadable_file_exits_2(tmp_path, clean_csv):
    done = run("validate", "--json", clean_csv, tmp_path / "absent.csv")
    assert done.returncode == 2
    assert "absent.csv" in done.stderr
    assert json.loads(done.stdout)["summary"]["files"] == 1


def test_validate_target_decides_the_limit(tmp_path, example_lines):
    header, row = example_lines[0], example_lines[1]
    path = tmp_path / "many.csv"
    path.write_text("\r\n".join([header] + [row] * 501) + "\r\n")
    intune = json.loads(run("validate", "--json", "--target", "intune", path).stdout)
    rules = {d["rule"] for d in intune["files"][0]["diagnostics"]}
    assert "too-many-rows" in rules
    none = json.loads(run("validate", "--json", "--target", "none", path).stdout)
    assert "too-many-rows" not in {d["rule"] for d in none["files"][0]["diagnostics"]}


def test_inspect_hash_and_file(example_lines, example_csv):
    text = example_lines[1].split(",")[2]
    done = run("inspect", text)
    assert done.returncode == 0
    assert "serial number: 7000000000" in done.stdout and "readiness:" in done.stdout
    as_json = json.loads(run("inspect", "--json", text).stdout)
    assert as_json[0]["valid"] and as_json[0]["fields"]["serial_number"] == "7000000000"
    whole = json.loads(run("inspect", "--json", example_csv).stdout)
    assert [r["fields"]["serial_number"] for r in whole] == [f"70000000{i:02d}" for i in range(12)]
    bad = run("inspect", "--json", text[:100])
    assert bad.returncode == 1 and json.loads(bad.stdout)[0]["valid"] is False
    assert run("inspect", "no/such/file.csv").returncode == 2


def test_merge(tmp_path, bad_csv, clean_csv, example_csv):
    out = tmp_path / "out"
    done = run("merge", bad_csv, "--out", out, "--group-tag", "Microsoft365Managed_Standard")
    assert done.returncode == 1  # a row was left out
    assert "6 rows read, 5 written" in done.stdout
    assert "left out" in done.stdout and ":3: hash-" in done.stdout
    assert (out / "devices-001.csv").is_file()
    assert run("validate", out / "devices-001.csv").returncode == 0

    clean = run("merge", clean_csv, "--out", tmp_path / "clean", "--json")
    assert clean.returncode == 0
    doc = json.loads(clean.stdout)
    assert doc["rows_out"] == 6 and doc["dropped"] == []

    bundled = json.loads(run("merge", example_csv, "--out", tmp_path / "bundled", "--json").stdout)
    assert [(d["line"], d["rule"]) for d in bundled["dropped"]] == [(8, "group-tag-case"), (9, "group-tag-invalid")]

    refused = run("merge", example_csv, "--out", tmp_path / "x", "--group-tag", "Microsoft365Managed_PowerUser-Shared")
    assert refused.returncode == 2 and "mmdreg:" in refused.stderr


def test_validate_shared_samples(samples):
    files = sorted(samples.glob("hwhash-0*.csv"))
    doc = json.loads(run("validate", "--json", *files).stdout)
    assert doc["summary"]["files"] == len(files) == 8
    assert all(f["encoding"] == "utf-16le" for f in doc["files"])
    inspected = json.loads(run("inspect", "--json", *files).stdout)
    assert len(inspected) == 8 and all(r["valid"] for r in inspected)


def test_colour_and_progress_only_on_a_terminal(bad_csv):
    import os
    import pty

    primary, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    done = subprocess.run([sys.executable, "-m", "mmdreg", "validate", str(bad_csv)], stdout=secondary,
                          stderr=secondary, env=env, timeout=120)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    shown = b"".join(chunks).decode()
    assert done.returncode == 1
    assert "\033[1;31merror\033[0m hash-" in shown  # coloured severity
    assert "] 0/1 bad.csv" in shown  # the progress line on the terminal
