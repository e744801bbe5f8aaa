import re

import pytest

import mmdreg
from mmdreg import DeviceProfile, GroupTagKind, RegistrationError, RegistrationState


def test_tags_round_trip():
    for profile in DeviceProfile.__members__.values():
        for shared in (False, True):
            if profile == DeviceProfile.POWER_USER and shared:
                with pytest.raises(mmdreg.InvalidInputError, match="Power user"):
                    mmdreg.format_group_tag(profile, shared)
                with pytest.raises(mmdreg.InvalidInputError, match="Power user"):
                    mmdreg.deployment_profile_name(profile, shared)
                continue
            tag = mmdreg.format_group_tag(profile, shared)
            parsed = mmdreg.parse_group_tag(tag)
            assert parsed.kind == GroupTagKind.MMD
            assert parsed.profile == profile
            assert parsed.shared == shared
            assert parsed.rule is None


def test_invalid_and_case_slip():
    slip = mmdreg.parse_group_tag("MICROSOFT365MANAGED_KIOSK-SHARED")
    assert slip.rule == "group-tag-case"
    assert slip.suggestion == "Microsoft365Managed_Kiosk-Shared"
    bad = mmdreg.parse_group_tag("Microsoft365Managed_PowerUser-Shared")
    assert bad.rule == "group-tag-invalid"
    assert "cannot be shared" in bad.reason
    assert bad.profile is None
    assert mmdreg.parse_group_tag("Sales").to_dict()["rule"] == "group-tag-foreign"
    assert mmdreg.parse_group_tag("Microsoft365Managed_Autopilot").rule == "group-tag-legacy"
    assert isinstance(mmdreg.InvalidInputError("x"), ValueError)


def test_exact_strings():
    assert mmdreg.state_display_name(RegistrationState.PENDING) == "Registration Pending"
    assert mmdreg.error_message(RegistrationError.DEVICE_CLAIMED_BY_ANOTHER_ORGANIZATION) == (
        "Device claimed by another organization")
    assert mmdreg.autopilot_equivalent(RegistrationError.HARDWARE_HASH_NOT_VALID) == (
        "InvalidZtdHardwareHash", 802)
    assert mmdreg.ALL_DEVICES_GROUP == "Modern Workplace Devices-All"
    assert mmdreg.deployment_profile_name(DeviceProfile.KIOSK, True) == (
        "Modern Workplace Autopilot Profile Shared")


def test_device_names():
    names = mmdreg.generate_device_names(DeviceProfile.KIOSK, 50, seed=1)
    assert names == mmdreg.generate_device_names(DeviceProfile.KIOSK, 50, seed=1)
    assert all(re.fullmatch(r"Kiosk-\d{9}", n) for n in names)
    assert all(mmdreg.follows_name_template(n, DeviceProfile.KIOSK) for n in names)
    fresh = mmdreg.generate_device_names(DeviceProfile.STANDARD, 3)
    assert all(re.fullmatch(r"MMD-\d{11}", n) for n in fresh)
    with pytest.raises(mmdreg.InvalidInputError):
        mmdreg.generate_device_names(DeviceProfile.STANDARD, -1)
