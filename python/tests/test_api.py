import pytest

import mmdreg
from mmdreg import validation


def test_clean_file(clean_csv):
    report = mmdreg.validate(clean_csv)
    s = report.summary
    assert (s.dialect, s.encoding) == ("autopilot", "ascii")
    assert s.rows == 6 and s.accepted == 6 and s.rejected == 0
    assert report.ok and report.findings == []


def test_bundled_example(example_csv):
    report = mmdreg.validate(example_csv)
    assert (report.summary.rows, report.summary.rejected, report.summary.errors) == (12, 2, 2)
    assert [(f.line, f.rule, f.severity) for f in report.findings] == [
        (8, "group-tag-case", "error"),
        (9, "group-tag-invalid", "error"),
        (10, "group-tag-legacy", "warning"),
        (11, "group-tag-foreign", "warning"),
    ]


def test_findings_are_plain_objects(bad_csv):
    report = mmdreg.validate(str(bad_csv))
    assert not report.ok
    assert report.summary.rejected == 1 and report.summary.accepted == 5
    by_rule = {f.rule: f for f in report.findings}
    assert set(by_rule) == {"hash-length", "group-tag-foreign"}
    truncated = next(f for f in report.findings if f.line == 3)
    assert truncated.severity == "error" and truncated.is_error
    assert truncated.column == "Hardware Hash"
    assert truncated.message and truncated.fix
    slip = by_rule["group-tag-foreign"]
    assert slip.line == 5 and slip.column == "Group Tag" and slip.severity == "warning"
    assert slip.to_dict() == {
        "line": 5, "column": "Group Tag", "rule": "group-tag-foreign", "severity": "warning",
        "message": slip.message, "fix": slip.fix,
    }
    assert report.to_dict()["summary"]["rejected"] == 1


def test_every_rule_id_is_the_spec_s(bad_csv):
    ids = {r[0] for r in mmdreg.RULES}
    assert {"hash-length", "group-tag-case", "encoding-utf16", "too-many-rows"} <= ids
    assert all(f.rule in ids for f in mmdreg.validate(bad_csv).findings)


def test_bytes_without_copy_give_the_same_report(bad_csv):
    data = bad_csv.read_bytes()
    from_path = mmdreg.validate(bad_csv)
    assert mmdreg.validate(data) == from_path
    assert mmdreg.validate(bytearray(data)) == from_path
    assert mmdreg.validate(memoryview(data)) == from_path


def test_threads_give_identical_results(bad_csv):
    assert mmdreg.validate(bad_csv, threads=2) == mmdreg.validate(bad_csv)


def test_dialect_and_target(clean_csv, example_lines):
    data = clean_csv.read_bytes()
    wrong = mmdreg.validate(data, dialect="partner-center")
    assert any(f.rule == "header-unknown" for f in wrong.findings)
    assert mmdreg.validate(data, dialect="autopilot").ok
    # 12 rows is under every limit; 600 rows exceeds intune's 500 but not partner-center's 1000.
    header, row = example_lines[0], example_lines[1]
    many = [header] + [row.replace("7000000000", f"{8000000000 + i}", 1) for i in range(600)]
    big = ("\r\n".join(many) + "\r\n").encode()
    assert "too-many-rows" in {f.rule for f in mmdreg.validate(big, target="intune", dialect="autopilot").findings}
    assert "too-many-rows" not in {f.rule for f in mmdreg.validate(big, target="none").findings}
    with pytest.raises(mmdreg.InvalidInputError):
        mmdreg.validate(data, target="moon")
    with pytest.raises(mmdreg.InvalidInputError):
        mmdreg.validate(data, dialect="excel")


def test_missing_file_is_a_file_error(tmp_path):
    with pytest.raises(mmdreg.FileError) as raised:
        mmdreg.validate(tmp_path / "absent.csv")
    assert isinstance(raised.value, mmdreg.Error) and isinstance(raised.value, OSError)
    with pytest.raises(mmdreg.FileError):
        list(mmdreg.iter_findings(tmp_path / "absent.csv"))


def test_iter_findings_streams_chunk_by_chunk(bad_csv, monkeypatch):
    expected = mmdreg.validate(bad_csv)
    monkeypatch.setattr(validation, "CHUNK_BYTES", 777)
    stream = mmdreg.iter_findings(bad_csv)
    iterator = iter(stream)
    first = next(iterator)
    assert stream.summary is None  # not finished: the rest is not read yet
    rest = list(iterator)
    assert [first] + rest == expected.findings
    assert stream.summary == expected.summary
    from_bytes = mmdreg.iter_findings(bad_csv.read_bytes())
    assert list(from_bytes) == expected.findings and from_bytes.summary == expected.summary


def test_progress_callback_and_its_exception():
    # Rows under a header of no known layout are counted without further findings: cheap rows.
    data = b"Serial\r\n" + b"x\r\n" * 140000
    seen = []
    report = mmdreg.validate(data, target="none", progress=seen.append)
    assert report.summary.rows == 140000
    assert seen == [65536, 131072]
    assert mmdreg.validate(data, target="none").summary == report.summary

    def boom(_rows):
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        mmdreg.validate(data, target="none", progress=boom)


@pytest.fixture(scope="module")
def generated_csv(tmp_path_factory):
    """60,000 valid rows from the shared generator (distinct devices: no findings to convert)."""
    from conftest import generate_rows

    return generate_rows(tmp_path_factory.mktemp("gen") / "rows.csv", 60000)


def test_validation_releases_the_gil(generated_csv):
    from conftest import run_watching_the_gil

    data = generated_csv.read_bytes()

    def run():
        report = mmdreg.validate(data, target="none", progress=None)
        assert report.summary.rows == 60000 and report.findings == []

    took, longest_gap = run_watching_the_gil(run)
    # Holding the GIL for the native part would stall the loop for (nearly) the whole call.
    assert took > 0.05, "input too small to tell"
    assert longest_gap < took * 0.5


def test_inspect_a_hash(example_lines):
    text = example_lines[1].split(",")[2]
    report = mmdreg.inspect(text)
    assert report.valid and report.problem is None
    assert report.fields["serial_number"] == "7000000000"
    assert report.fields["manufacturer"] and report.fields["model"]
    assert report.fields["capture_time"].endswith("Z")
    assert {c.name for c in report.checks} >= {"structure and checksum", "serial number"}
    assert report.readiness and all(c.outcome in ("met", "not met", "unknown") for c in report.readiness)
    d = report.to_dict()
    assert d["fields"]["serial_number"] == "7000000000" and d["ready"] == report.ready

    bad = mmdreg.inspect(text[:100])
    assert not bad.valid and bad.ready is False
    assert bad.problem["rule"] in ("hash-length", "hash-base64")
    assert bad.problem["message"]


def test_merge_writes_clean_files(tmp_path, bad_csv):
    out = tmp_path / "out" / "clean"  # made by merge, parents included
    report = mmdreg.merge([bad_csv], out, group_tag="Microsoft365Managed_Kiosk", target="intune")
    assert report.rows_in == 6
    assert report.rows_out == 5
    assert [(d.line, d.rule) for d in report.dropped] == [(3, report.dropped[0].rule)]
    assert report.dropped[0].rule in ("hash-length", "hash-base64")
    assert report.dropped[0].source == str(bad_csv)
    assert len(report.files) == 1 and report.files[0]["rows"] == 5
    written = report.files[0]["path"]
    clean = mmdreg.validate(written)
    assert clean.ok and clean.summary.rows == 5 and clean.findings == []
    assert "Microsoft365Managed_Kiosk" in open(written).read()
    assert report.to_dict()["dropped"][0]["line"] == 3


def test_merge_errors_map_to_the_hierarchy(tmp_path, example_csv):
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(mmdreg.FileError, match="output directory"):
        mmdreg.merge([example_csv], tmp_path / "a-file" / "out")
    with pytest.raises(mmdreg.InvalidInputError):
        mmdreg.merge([example_csv], tmp_path, group_tag="Microsoft365Managed_PowerUser-Shared")
    with pytest.raises(mmdreg.InvalidInputError):
        mmdreg.merge([example_csv], tmp_path, dialect="mmd-partner", group_tag="Microsoft365Managed_Standard")


def test_shared_samples_decode(samples):
    csvs = sorted(samples.glob("hwhash-0*.csv"))
    assert len(csvs) == 8
    for path in csvs:
        report = mmdreg.validate(path)
        assert report.summary.encoding == "utf-16le", path
        assert report.summary.dialect == "autopilot", path
        assert "encoding-utf16" in {f.rule for f in report.findings}
        from mmdreg import _core

        rows = _core.file_hashes(str(path))
        assert len(rows) == 1
        hashed = mmdreg.inspect(rows[0][2])
        assert hashed.valid, (path, hashed.problem)
    arm = mmdreg.inspect(_core.file_hashes(str(samples / "hwhash-03-vmware-arm64-w11-26100-grouptag.csv"))[0][2])
    assert arm.fields["architecture"] == "ARM64"
    assert any(c.outcome == "not met" for c in arm.readiness)
    truncated = _core.file_hashes(str(samples / "hwhash-bad-01-truncated-ms-surface-laptop.csv"))
    bad = mmdreg.inspect(truncated[0][2])
    assert not bad.valid and bad.problem["rule"] == "hash-length"
