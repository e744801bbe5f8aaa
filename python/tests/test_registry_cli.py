"""The registry commands of `mmdreg`, run as subprocesses against one --db file."""
import json
import subprocess
import sys

import pytest

import mmdreg
from mmdreg import RegistrationError, RegistrationState
from mmdreg.registry_cli import parse_duration, parse_time

PENDING = mmdreg.state_display_name(RegistrationState.PENDING)
READY = mmdreg.state_display_name(RegistrationState.READY_FOR_USER)
CLAIMED = mmdreg.error_message(RegistrationError.DEVICE_CLAIMED_BY_ANOTHER_ORGANIZATION)


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "mmdreg", *map(str, args)], capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "registry.db"


def ok(*args):
    done = run(*args)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def test_register_reads_the_format_it_is_told(db, tmp_path, example_lines):
    ok("org", "create", "--db", db, "Contoso")
    first = example_lines[1].split(",")
    listing = tmp_path / "devices.json"
    listing.write_text(json.dumps([{"serialNumber": first[0], "hardwareIdentifier": first[2]}]))
    # Read as a CSV, the list is a file whose header matches no dialect: nothing registers.
    as_csv = run("register", "--db", db, listing, "--format", "csv", "--json")
    assert as_csv.returncode == 1
    assert json.loads(as_csv.stdout)[0]["file_rejected"] is True
    assert run("register", "--db", db, listing, "--format", "xml").returncode == 2
    done = json.loads(ok("register", "--db", db, listing, "--format", "json", "--json").stdout)
    assert done[0]["accepted"] == 1


def test_state_survives_between_invocations(db, clean_csv):
    created = ok("org", "create", "--db", db, "Contoso", "--disable-profile", "kiosk", "--json")
    assert created.stderr == f"mmdreg: created the registry file {db}\n"
    assert json.loads(created.stdout)["enabled_profiles"] == ["Standard", "Sensitive data",
                                                            "Power user"]
    done = ok("register", "--db", db, "--org", "Contoso", clean_csv, "--profile", "sensitive-data",
              "--order-id", "PO-7")
    assert "request 1 for Contoso: 6 accepted, 0 failed" in done.stdout

    before = json.loads(ok("devices", "--db", db, "--json").stdout)  # --org: the only one
    assert before["organization"] == 1 and before["time"] == "2026-01-01T00:00:00Z"
    assert [d["state"] for d in before["devices"]] == [PENDING] * 6
    assert before["devices"][0]["serial_number"] == "7000000000"
    assert before["devices"][0]["profile"] == "Sensitive data"
    table = ok("devices", "--db", db, "--org", "1").stdout
    assert "Registration state" in table and table.count(PENDING) == 6

    advanced = ok("advance", "--db", db, "--minutes", "30", "30m")
    assert advanced.stdout.strip() == "clock: 2026-01-01T00:00:00Z -> 2026-01-01T01:00:00Z (+1h)"
    after = json.loads(ok("devices", "--db", db, "--org", "contoso", "--json").stdout)
    assert [d["state"] for d in after["devices"]] == [READY] * 6
    assert all(d["ring"] and d["name"] for d in after["devices"])
    only_ready = json.loads(ok("devices", "--db", db, "--json", "--state", READY).stdout)
    assert len(only_ready["devices"]) == 6
    assert json.loads(ok("devices", "--db", db, "--json", "--state", PENDING).stdout)["devices"] == []
    assert run("devices", "--db", db, "--state", "Sleeping").returncode == 2

    requests = json.loads(ok("requests", "--db", db, "--json").stdout)
    assert [(r["number"], r["order_id"], r["accepted"]) for r in requests] == [(1, "PO-7", 6)]
    audit = json.loads(ok("audit", "--db", db, "--json", "--device", "1").stdout)
    assert audit[0]["from"] is None and audit[0]["to"] == PENDING and audit[-1]["to"] == READY
    assert json.loads(ok("audit", "--db", db, "--json", "--until", "2025-12-31").stdout) == []
    assert ok("audit", "--db", db, "--format", "csv").stdout.startswith("Time,Device,Serial Number")

    removed = ok("deregister", "--db", db, "2")
    assert "removed device 2" in removed.stdout
    assert 2 not in {d["id"] for d in json.loads(ok("devices", "--db", db, "--json").stdout)["devices"]}
    gone = run("deregister", "--db", db, "2")
    assert gone.returncode == 1 and "refused" in gone.stderr


def test_registry_file_problems_exit_2(tmp_path, db, clean_csv):
    missing = run("devices", "--db", db)
    assert missing.returncode == 2 and "no registry file" in missing.stderr
    assert not db.exists()
    not_registry = tmp_path / "notes.txt"
    not_registry.write_text("hello\n" * 200)
    bad = run("devices", "--db", not_registry)
    assert bad.returncode == 2 and "notes.txt" in bad.stderr and "registry" in bad.stderr
    assert not_registry.read_text() == "hello\n" * 200
    env = {k: v for k, v in __import__("os").environ.items() if k != "MMDREG_DB"}
    no_db = run("devices", env=env)
    assert no_db.returncode == 2 and "--db" in no_db.stderr

    ok("init", "--db", db, "--seed", "5", "--start", "2026-03-01T08:00:00Z")
    assert run("init", "--db", db).returncode == 2  # exists already
    assert "no organization" in run("devices", "--db", db).stderr
    ok("org", "create", "--db", db, "A")
    ok("org", "create", "--db", db, "B")
    ambiguous = run("devices", "--db", db)
    assert ambiguous.returncode == 2 and "--org is required" in ambiguous.stderr
    assert run("devices", "--db", db, "--org", "Nobody").returncode == 2
    assert run("devices", "--db", db, "--org", "9").returncode == 2
    assert run("org", "create", "--db", db, "A").returncode == 2  # duplicate name
    assert run("register", "--db", db, "--org", "A", tmp_path / "absent.csv").returncode == 2
    assert run("register", "--db", db, "--org", "A", clean_csv, "--profile", "gold").returncode == 2
    assert run("advance", "--db", db).returncode == 2
    assert run("advance", "--db", db, "soon").returncode == 2
    assert run("advance", "--db", db, "--hours", "-1").returncode == 2
    assert run("org").returncode == 2
    assert json.loads(ok("advance", "--db", db, "2d", "--json").stdout) == {
        "from": "2026-03-01T08:00:00Z", "to": "2026-03-03T08:00:00Z", "seconds": 172800}
    orgs = json.loads(ok("org", "list", "--db", db, "--json").stdout)
    assert [o["name"] for o in orgs] == ["A", "B"]


def test_a_refused_partner_exits_1(db, clean_csv):
    ok("org", "create", "--db", db, "Fabrikam")
    ok("partner", "add", "--db", db, "Adatum CSP")
    refused = run("register", "--db", db, clean_csv, "--as-partner", "Adatum CSP")
    assert refused.returncode == 1
    assert refused.stderr.startswith("mmdreg: refused: ") and "consent" in refused.stderr
    assert json.loads(ok("requests", "--db", db, "--json").stdout) == []

    ok("partner", "consent", "--db", db, "--org", "Fabrikam", "Adatum CSP")
    again = run("partner", "consent", "--db", db, "--org", "Fabrikam", "1")
    assert again.returncode == 1 and "refused" in again.stderr
    partners = json.loads(ok("partner", "list", "--db", db, "--json").stdout)
    assert partners == [{"id": 1, "name": "Adatum CSP", "consenting_organizations": [1]}]
    done = ok("register", "--db", db, clean_csv, "--as-partner", "1", "--json")
    [report] = json.loads(done.stdout)
    assert report["accepted"] == 6 and report["request"] == 1
    ok("partner", "withdraw", "--db", db, "--org", "Fabrikam", "Adatum CSP")
    assert run("register", "--db", db, clean_csv, "--as-partner", "Adatum CSP").returncode == 1
    assert run("register", "--db", db, clean_csv, "--as-partner", "Nobody").returncode == 2

    ok("oem", "add", "--db", db, "Litware")
    assert run("register", "--db", db, clean_csv, "--as-oem", "Litware").returncode == 1
    ok("oem", "authorize", "--db", db, "Litware")
    assert json.loads(ok("org", "list", "--db", db, "--json").stdout)[0]["oems"] == [1]
    ok("oem", "revoke", "--db", db, "Litware")
    assert json.loads(ok("oem", "list", "--db", db, "--json").stdout)[0][
        "authorizing_organizations"] == []


def test_disabled_profile_and_settings(db, clean_csv):
    ok("org", "create", "--db", db, "Tailspin", "--disable-profile", "kiosk", "--unlicensed")
    unlicensed = run("register", "--db", db, clean_csv)
    assert unlicensed.returncode == 1 and "refused" in unlicensed.stderr
    ok("org", "set", "--db", db, "--licensed")
    kiosk = run("register", "--db", db, clean_csv, "--profile", "kiosk")
    assert kiosk.returncode == 1 and "refused" in kiosk.stderr
    shared = run("register", "--db", db, clean_csv, "--profile", "power-user", "--shared")
    assert shared.returncode == 1 and "refused" in shared.stderr
    changed = json.loads(ok("org", "set", "--db", db, "--enable-profile", "kiosk",
                            "--naming-exception", "--json").stdout)
    assert "Kiosk" in changed["enabled_profiles"] and changed["naming_exception"]
    ok("register", "--db", db, clean_csv, "--profile", "kiosk", "--shared")
    rows = json.loads(ok("devices", "--db", db, "--json").stdout)["devices"]
    assert {(r["profile"], r["shared"]) for r in rows} == {("Kiosk", True)}


def test_failed_devices_exit_1_and_export(tmp_path, db, clean_csv, bad_csv):
    ok("org", "create", "--db", db, "First")
    ok("org", "create", "--db", db, "Second")
    ok("register", "--db", db, "--org", "First", clean_csv)
    failed = run("register", "--db", db, "--org", "Second", bad_csv)
    assert failed.returncode == 1
    assert "0 accepted, 5 failed, 1 rows kept out" in failed.stdout
    assert f"line 2 (7000000000): {CLAIMED}" in failed.stdout
    assert "line 3: error hash-" in failed.stdout

    exported = ok("export-errors", "--db", db, "--org", "Second")  # the latest request
    lines = exported.stdout.splitlines()
    assert lines[0] == "Line,Manufacturer,Model,Serial Number,Error,Request ID"
    assert len(lines) == 6 and all(CLAIMED in line for line in lines[1:])
    doc = json.loads(ok("export-errors", "--db", db, "--org", "2", "--request", "2",
                        "--format", "json").stdout)
    assert [d["line"] for d in doc] == [2, 4, 5, 6, 7] and doc[0]["serialNumber"] == "7000000000"
    out = tmp_path / "errors.csv"
    ok("export-errors", "--db", db, "--org", "Second", "--out", out)
    assert out.read_bytes().startswith(b"Line,Manufacturer,Model,Serial Number,Error,Request ID\r\n")
    assert json.loads(ok("export-errors", "--db", db, "--org", "First", "--format",
                         "json").stdout) == []
    other = run("export-errors", "--db", db, "--org", "First", "--request", "2")
    assert other.returncode == 1 and "not a request of" in other.stderr
    pending = run("deregister", "--db", db, "--org", "First", "1")
    assert pending.returncode == 1 and "Registration Pending" in pending.stderr


def test_help_documents_the_registry_commands():
    top = ok("--help").stdout
    for command in ("org", "partner", "oem", "register", "advance", "devices", "export-errors",
                    "deregister", "audit"):
        assert command in top
    assert "--as-partner" in ok("register", "--help").stdout
    assert "MMDREG_DB" in top


def test_duration_and_time_parsing():
    assert parse_duration("90") == 90
    assert parse_duration("1h30m") == 5400
    assert parse_duration("2d") == 172800
    assert parse_duration("10m5s") == 605
    for bad in ("", "h", "1x", "-5m"):
        with pytest.raises(Exception):
            parse_duration(bad)
    assert parse_time("2026-01-01T00:00:00Z") == 1_767_225_600
    assert parse_time("2026-01-01") == 1_767_225_600
    assert parse_time("2026-01-01T01:00:00+01:00") == 1_767_225_600


def test_profile_from_the_rows_tags(tmp_path, db, example_lines):
    header, rows = example_lines[0], example_lines[1:]
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("\r\n".join([header] + rows[:2]) + "\r\n")
    ok("org", "create", "--db", db, "Woodgrove")
    refused = run("register", "--db", db, mixed, "--profile", "from-tags")
    assert refused.returncode == 1 and "one batch per tag" in refused.stderr
    done = ok("register", "--db", db, mixed)
    assert "(profile Standard)" in done.stdout and "note: 1 rows carried another group tag" in done.stdout


def test_one_request_per_file(tmp_path, db, example_lines):
    header, rows = example_lines[0], example_lines[1:]
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("\r\n".join([header] + rows[:2]) + "\r\n")
    single = tmp_path / "single.csv"
    single.write_text("\r\n".join([header, rows[2]]) + "\r\n")
    ok("org", "create", "--db", db, "Woodgrove")
    done = run("register", "--db", db, "--json", "--profile", "from-tags", mixed, single)
    assert done.returncode == 1
    refused, registered = json.loads(done.stdout)
    assert refused["path"] == str(mixed) and "one batch per tag" in refused["refused"]
    assert registered["request"] == 1 and registered["accepted"] == 1
    assert registered["profile"] == "Power user"
    assert f"refused: {mixed}: " in done.stderr
    missing = run("register", "--db", db, tmp_path / "absent.csv", single)
    assert missing.returncode == 2 and "absent.csv" in missing.stderr
    assert f"{single}: request 2 for Woodgrove: 0 accepted, 1 failed" in missing.stdout
