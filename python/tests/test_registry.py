import json

import pytest

import mmdreg
from mmdreg import DeviceProfile, RegistrationState


def test_register_and_advance_to_ready_for_user(clean_csv, bad_csv):
    registry = mmdreg.MemoryRegistry(seed=7)
    org = registry.add_organization("Contoso")
    result = registry.register_file(org, clean_csv, profile=DeviceProfile.SENSITIVE_DATA)
    assert (result["accepted"], result["failed"], result["rejected_rows"]) == (6, 0, 0)
    assert [d["line"] for d in result["devices"]] == [2, 3, 4, 5, 6, 7]
    assert all(d["error"] is None for d in result["devices"])

    pending = mmdreg.state_display_name(RegistrationState.PENDING)
    ready = mmdreg.state_display_name(RegistrationState.READY_FOR_USER)
    rows = registry.devices(org)
    assert len(rows) == 6 and {r.state for r in rows} == {pending}
    assert {r.profile for r in rows} == {mmdreg.profile_display_name(DeviceProfile.SENSITIVE_DATA)}
    assert rows[0].serial_number == "7000000000"

    start = registry.now
    registry.advance(60)
    assert registry.now == start + 60
    assert {r.state for r in registry.devices(org)} == {pending}
    registry.advance(3600)
    after = registry.devices(org)
    assert {r.state for r in after} == {ready}
    assert all(r.ring is not None for r in after)
    assert after[0].to_dict()["state"] == ready

    # The same devices again: already registered; the CSV-rejected row is not submitted.
    again = registry.register_file(org, bad_csv)
    assert again["rejected_rows"] == 1
    assert again["accepted"] == 0
    assert {d["error"] for d in again["devices"]} == {
        mmdreg.error_message(mmdreg.RegistrationError.DEVICE_ALREADY_REGISTERED)}


def test_register_bytes_reads_the_format_it_is_told(example_lines):
    registry = mmdreg.MemoryRegistry(seed=3)
    org = registry.add_organization("Contoso")
    first = example_lines[1].split(",")
    document = json.dumps([{"serialNumber": first[0], "hardwareIdentifier": first[2]}]).encode()
    # Named CSV, the JSON list is a one-line file whose header matches no dialect: nothing is
    # submitted.
    as_csv = registry.register_bytes(org, document, format="csv")
    assert as_csv["request"] is None and as_csv["file_rejected"]
    assert any(f.rule == "header-unknown" for f in as_csv["findings"])
    assert registry.devices(org) == []
    # Named JSON, a CSV is no device list.
    csv_text = "\r\n".join(example_lines[:2]).encode()
    with pytest.raises(mmdreg.InvalidInputError):
        registry.register_bytes(org, csv_text, format="json")
    with pytest.raises(mmdreg.InvalidInputError, match="unknown upload format"):
        registry.register_bytes(org, document, format="xml")
    # Named JSON and detected alike: the device registers.
    assert registry.register_bytes(org, document, format="json")["accepted"] == 1
    assert [r.serial_number for r in registry.devices(org)] == [first[0]]


def test_refusals_raise(clean_csv, tmp_path):
    registry = mmdreg.MemoryRegistry()
    with pytest.raises(mmdreg.Error):
        registry.devices(42)
    org = registry.add_organization("Fabrikam")
    with pytest.raises(mmdreg.Error):
        registry.register_file(org, clean_csv, profile=DeviceProfile.POWER_USER, shared=True)
    with pytest.raises(mmdreg.FileError):
        registry.register_file(org, tmp_path / "absent.csv")


def test_register_bytes_detects_a_json_device_list(example_lines):
    registry = mmdreg.MemoryRegistry(seed=3)
    org = registry.add_organization("Contoso")
    first, second = (line.split(",") for line in example_lines[1:3])
    # Leading whitespace before the list: still JSON; the second item's hash is cut.
    document = "\r\n " + json.dumps([
        {"serialNumber": first[0], "hardwareIdentifier": first[2]},
        {"serialNumber": second[0], "hardwareIdentifier": second[2][:1452]},
    ])
    result = registry.register_bytes(org, document.encode())
    assert (result["rows"], result["rejected_rows"], result["accepted"]) == (2, 1, 1)
    assert [d["line"] for d in result["devices"]] == [1]
    assert [d["serial_number"] for d in result["devices"]] == [first[0]]
    assert any(f.rule == "hash-length" for f in result["findings"])
    assert [r.serial_number for r in registry.devices(org)] == [first[0]]
