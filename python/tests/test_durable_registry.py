"""mmdreg.Registry: the registration service over a SQLite registry file."""
import datetime
import json
import sqlite3

import pytest

import mmdreg
from mmdreg import DeviceProfile, RegistrationError, RegistrationState

PENDING = mmdreg.state_display_name(RegistrationState.PENDING)
READY = mmdreg.state_display_name(RegistrationState.READY_FOR_USER)
CLAIMED = mmdreg.error_message(RegistrationError.DEVICE_CLAIMED_BY_ANOTHER_ORGANIZATION)


def test_state_survives_reopening(tmp_path, clean_csv):
    db = tmp_path / "reg.db"
    with mmdreg.Registry(db, seed=3) as registry:
        assert registry.path == str(db) and not registry.read_only
        org = registry.add_organization("Contoso", disabled_profiles=[DeviceProfile.KIOSK],
                                        naming_exception=True)
        result = registry.register_file(org, clean_csv, DeviceProfile.SENSITIVE_DATA,
                                        order_id="PO-1")
        assert (result["request"], result["accepted"], result["failed"]) == (1, 6, 0)
        assert result["devices"][0]["serial_number"] == "7000000000"
        start = registry.now
    assert registry.closed
    with pytest.raises(mmdreg.RefusedError):
        registry.devices(org)

    with mmdreg.Registry(db, create=False) as again:
        o = again.organization(org)
        assert o.name == "Contoso" and o.naming_exception and o.licensed
        assert o.enabled_profiles == (DeviceProfile.STANDARD, DeviceProfile.SENSITIVE_DATA,
                                      DeviceProfile.POWER_USER)
        rows = again.devices(org)
        assert [r.state for r in rows] == [PENDING] * 6
        assert rows[0].registered_at == datetime.datetime.fromtimestamp(start, datetime.timezone.utc)
        assert rows[0].channel == "devices-blade"
        again.advance(datetime.timedelta(hours=1))
        assert again.now == start + 3600

    with mmdreg.Registry(db, read_only=True) as reader:
        rows = reader.devices(org)
        assert [r.state for r in rows] == [READY] * 6
        assert all(r.ring is not None and r.ring_assigned_by == "Automatic" for r in rows)
        assert json.loads(json.dumps([r.to_dict() for r in rows]))[0]["state"] == READY
        [request] = reader.requests(org)
        assert (request.number, request.by, request.order_id, request.accepted, request.failed) == (
            1, "tenant admin 1", "PO-1", 6, 0)
        audit = reader.audit(org, device=rows[0].id)
        assert [(a.from_state, a.to_state) for a in audit][0] == (None, PENDING)
        assert audit[-1].to_state == READY
        with pytest.raises(mmdreg.RefusedError):
            reader.add_partner("Adatum")


def test_opening_problems(tmp_path):
    with pytest.raises(mmdreg.NotFoundError):
        mmdreg.Registry(tmp_path / "absent.db", create=False)
    with pytest.raises(mmdreg.NotFoundError):
        mmdreg.Registry(tmp_path / "absent.db", read_only=True)
    assert not (tmp_path / "absent.db").exists()
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    with pytest.raises(mmdreg.UnsupportedError):
        mmdreg.Registry(text)
    assert text.read_text() == "not a database\n" * 100
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("create table t(x)").connection.close()
    with pytest.raises(mmdreg.UnsupportedError):
        mmdreg.Registry(other)
    with pytest.raises(mmdreg.FileError):
        mmdreg.Registry(tmp_path)


def test_partner_consent_and_oem_authorization(tmp_path, clean_csv):
    registry = mmdreg.Registry(tmp_path / "reg.db")
    org = registry.add_organization("Fabrikam")
    partner = registry.add_partner("Adatum CSP")
    oem = registry.add_oem("Contoso Devices")
    assert [p.to_dict() for p in registry.partners()] == [{"id": partner, "name": "Adatum CSP"}]
    assert [p.name for p in registry.oems()] == ["Contoso Devices"]

    with pytest.raises(mmdreg.RefusedError, match="consent"):
        registry.register_file(org, clean_csv, as_partner=partner)
    registry.grant_consent(org, partner)
    assert registry.organization(org).partners == (partner,)
    with pytest.raises(mmdreg.RefusedError):
        registry.grant_consent(org, partner)  # already granted
    result = registry.register_file(org, clean_csv, as_partner=partner)
    assert result["accepted"] == 6
    assert registry.requests(org)[0].by == f"CSP partner {partner}"
    assert registry.requests(org)[0].channel == "partner-center"
    # The partner may read the failures of its own request, but not the blade.
    assert registry.failures(org, result["request"], as_partner=partner) == []
    registry.withdraw_consent(org, partner)
    with pytest.raises(mmdreg.RefusedError):
        registry.register_file(org, clean_csv, as_partner=partner)

    with pytest.raises(mmdreg.RefusedError):
        registry.register_file(org, clean_csv, as_oem=oem)
    registry.authorize_oem(org, oem)
    assert registry.organization(org).oems == (oem,)
    registry.revoke_oem(org, oem)
    assert registry.organization(org).oems == ()
    with pytest.raises(mmdreg.InvalidInputError):
        registry.register_file(org, clean_csv, as_partner=partner, as_oem=oem)
    with pytest.raises(mmdreg.InvalidInputError):
        registry.register_file(org, clean_csv, channel="carrier-pigeon")
    registry.close()


def test_settings_refuse_what_they_disable(tmp_path, clean_csv):
    registry = mmdreg.Registry(tmp_path / "reg.db")
    org = registry.add_organization("Tailspin", disabled_profiles=[DeviceProfile.KIOSK])
    with pytest.raises(mmdreg.RefusedError):
        registry.register_file(org, clean_csv, DeviceProfile.KIOSK)
    updated = registry.update_settings(org, licensed=False, name="Tailspin Toys")
    assert (updated.name, updated.licensed) == ("Tailspin Toys", False)
    with pytest.raises(mmdreg.RefusedError):
        registry.register_file(org, clean_csv)
    registry.update_settings(org, licensed=True,
                             enabled_profiles=list(updated.enabled_profiles) + [DeviceProfile.KIOSK])
    assert registry.register_file(org, clean_csv, DeviceProfile.KIOSK)["accepted"] == 6
    assert {r.profile for r in registry.devices(org)} == {
        mmdreg.profile_display_name(DeviceProfile.KIOSK)}
    with pytest.raises(mmdreg.NotFoundError):
        registry.organization(99)


def test_failures_export_and_deregister(tmp_path, clean_csv, bad_csv):
    registry = mmdreg.Registry(tmp_path / "reg.db")
    first = registry.add_organization("First")
    second = registry.add_organization("Second")
    registry.register_file(first, clean_csv)
    result = registry.register_file(second, bad_csv)
    assert (result["accepted"], result["failed"], result["rejected_rows"]) == (0, 5, 1)
    assert [f.rule for f in result["findings"] if f.is_error][0].startswith("hash-")
    assert {d["error"] for d in result["devices"]} == {CLAIMED}
    csv_text = registry.export_failures(second, result["request"], "csv")
    lines = csv_text.split("\r\n")
    assert lines[0] == "Line,Manufacturer,Model,Serial Number,Error,Request ID"
    assert len([line for line in lines if line]) == 6 and CLAIMED in lines[1]
    failures = registry.failures(second, result["request"])
    assert [f.line for f in failures] == [2, 4, 5, 6, 7]
    assert failures[0].serial_number == "7000000000" and failures[0].error == CLAIMED
    with pytest.raises(mmdreg.InvalidInputError):
        registry.export_failures(second, result["request"], "xml")
    with pytest.raises(mmdreg.NotFoundError):
        registry.failures(first, result["request"])  # another organization's request

    device = registry.devices(first)[0].id
    with pytest.raises(mmdreg.RefusedError, match="Pending"):
        registry.deregister(first, device)
    registry.advance(3600)
    registry.deregister(first, device)
    assert device not in {r.id for r in registry.devices(first)}
    with pytest.raises(mmdreg.NotFoundError):
        registry.deregister(first, device)
    causes = [a.cause for a in registry.audit(first, device=device)]
    assert causes[-1] == "deregistered"
    since = registry.now - 10
    assert [a.cause for a in registry.audit(first, since=since)] == ["deregistered"]
    assert registry.export_audit(first, "csv").startswith("Time,Device,Serial Number,From,To,Cause,Actor")
    # The released identity may now be registered by the other organization.
    again = registry.register_file(second, clean_csv)
    assert again["accepted"] == 1 and again["failed"] == 5


def test_uploads_rejected_whole_or_json(tmp_path, clean_csv, example_lines):
    registry = mmdreg.MemoryRegistry()
    org = registry.add_organization("Northwind")
    rejected = registry.register_bytes(org, b"Serial,Something\r\n1,2\r\n")
    assert rejected["file_rejected"] and rejected["request"] is None and rejected["devices"] == []
    assert rejected["findings"][0].is_error
    assert registry.requests(org) == []
    serial, _, hash_text = example_lines[1].split(",")[:3]
    doc = {"value": [{"serialNumber": serial, "hardwareIdentifier": hash_text}]}
    result = registry.register_bytes(org, b"\n  " + json.dumps(doc).encode())
    assert result["accepted"] == 1 and result["devices"][0]["line"] == 1
    assert result["devices"][0]["serial_number"] == serial
    path = tmp_path / "devices.json"
    path.write_text(json.dumps({"value": [{"serialNumber": "x"}]}))
    refused = registry.register_file(org, path)
    assert refused["request"] is None and refused["rejected_rows"] == 1


def test_selected_profile_or_the_rows_tags(tmp_path, example_lines):
    registry = mmdreg.MemoryRegistry()
    org = registry.add_organization("Woodgrove")
    header, rows = example_lines[0], example_lines[1:]
    mixed = ("\r\n".join([header] + rows[:3]) + "\r\n").encode()  # Standard, SensitiveData, PowerUser
    with pytest.raises(mmdreg.InvalidInputError, match="one batch per tag"):
        registry.register_bytes(org, mixed, profile=None)
    selected = registry.register_bytes(org, mixed, DeviceProfile.POWER_USER)
    assert (selected["accepted"], selected["retagged"]) == (3, 2)
    assert selected["profile"] == DeviceProfile.POWER_USER and not selected["shared"]
    kiosk_shared = rows[5]  # Microsoft365Managed_Kiosk-Shared
    assert kiosk_shared.split(",")[3] == "Microsoft365Managed_Kiosk-Shared"
    tagged = registry.register_bytes(org, ("\r\n".join([header, kiosk_shared]) + "\r\n").encode(),
                                     profile=None)
    assert (tagged["profile"], tagged["shared"], tagged["retagged"]) == (DeviceProfile.KIOSK, True, 0)
    assert {(r.profile, r.shared) for r in registry.devices(org)} == {
        (mmdreg.profile_display_name(DeviceProfile.POWER_USER), False),
        (mmdreg.profile_display_name(DeviceProfile.KIOSK), True)}


def test_advancing_the_clock_releases_the_gil(tmp_path):
    from conftest import generate_rows, run_watching_the_gil

    path = generate_rows(tmp_path / "rows.csv", 5000)
    header, *rows = [line for line in path.read_bytes().split(b"\r\n") if line]
    registry = mmdreg.MemoryRegistry()
    org = registry.add_organization("Big")
    for i in range(0, len(rows), 500):  # the Intune upload limit
        batch = b"\r\n".join([header] + rows[i:i + 500]) + b"\r\n"
        assert registry.register_bytes(org, batch)["accepted"] == 500

    # The jobs only look at devices that changed, so an hour costs little once the workflow is
    # done: 20,000 days (480,000 hourly jobs) make the call long enough to tell.
    took, longest_gap = run_watching_the_gil(
        lambda: registry.advance(datetime.timedelta(days=20000)))
    assert took > 0.05, "too little work to tell"
    # Holding the GIL in the native part would stall the loop for (nearly) the whole call.
    assert longest_gap < took * 0.5
    assert {r.state for r in registry.devices(org)} == {READY}
