"""mmdreg: validate, repair and register Windows Autopilot / Microsoft Managed Desktop devices.

The vocabulary of the registration service, with the exact strings of the service::

    >>> import mmdreg
    >>> tag = mmdreg.parse_group_tag("microsoft365managed_standard")
    >>> tag.rule, tag.suggestion
    ('group-tag-case', 'Microsoft365Managed_Standard')
    >>> mmdreg.format_group_tag(mmdreg.DeviceProfile.KIOSK, shared=True)
    'Microsoft365Managed_Kiosk-Shared'

Upload files and hardware hashes::

    report = mmdreg.validate("devices.csv")           # or bytes; GIL released, no copy
    for finding in mmdreg.iter_findings("huge.csv"):  # lazily, 1 MiB at a time
        print(finding.line, finding.rule, finding.message)
    mmdreg.inspect(hash_text).readiness               # decoded fields, checks, requirements
    mmdreg.merge(["a.csv", "b.csv"], "out/", group_tag="Microsoft365Managed_Standard")

The registration service, durable in a SQLite file (or volatile: MemoryRegistry)::

    with mmdreg.Registry("registry.db") as registry:      # created when missing
        org = registry.add_organization("Contoso", disabled_profiles=[mmdreg.DeviceProfile.KIOSK])
        result = registry.register_file(org, "devices-001.csv", mmdreg.DeviceProfile.STANDARD)
        registry.advance(datetime.timedelta(hours=1))
        [row.state for row in registry.devices(org)]       # 'Ready for user', ...

Every exception is an :class:`Error` (InvalidInputError, FileError, ...). The ``mmdreg`` command
(also ``python -m mmdreg``) offers the same on the command line.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import _core
from ._core import DeviceProfile, GroupTagKind, RegistrationError, RegistrationState, Ring
from ._errors import (
    ConflictError,
    Error,
    FileError,
    InvalidInputError,
    NotFoundError,
    RefusedError,
    UnsupportedError,
)
from .hashes import Check, HashReport, inspect
from .merging import Conflict, Dropped, MergeReport, merge
from .registry import (
    CHANNELS,
    AuditRecord,
    BladeRow,
    Failure,
    MemoryRegistry,
    Organization,
    Party,
    Registry,
    Request,
)
from .validation import Finding, FindingStream, Summary, ValidationReport, iter_findings, validate

__version__: str = _core.__version__

__all__ = [
    "ALL_DEVICES_GROUP",
    "SHARED_DEVICE_MODE_GROUP",
    "AuditRecord",
    "BladeRow",
    "CHANNELS",
    "Failure",
    "MemoryRegistry",
    "Organization",
    "Party",
    "Registry",
    "Request",
    "Check",
    "Conflict",
    "ConflictError",
    "DeviceProfile",
    "Dropped",
    "Error",
    "FileError",
    "Finding",
    "FindingStream",
    "HashReport",
    "MergeReport",
    "NotFoundError",
    "RULES",
    "RefusedError",
    "Summary",
    "UnsupportedError",
    "ValidationReport",
    "inspect",
    "iter_findings",
    "merge",
    "validate",
    "GroupTag",
    "GroupTagKind",
    "InvalidInputError",
    "RegistrationError",
    "RegistrationState",
    "Ring",
    "autopilot_equivalent",
    "deployment_profile_name",
    "device_name_template",
    "error_message",
    "follows_name_template",
    "format_group_tag",
    "generate_device_names",
    "parse_group_tag",
    "profile_display_name",
    "profile_group",
    "ring_group",
    "state_display_name",
]

ALL_DEVICES_GROUP: str = _core.ALL_DEVICES_GROUP
SHARED_DEVICE_MODE_GROUP: str = _core.SHARED_DEVICE_MODE_GROUP

#: Every rule of the spec: (rule id, severity, summary), in the order of the spec's table.
RULES: list = [tuple(r) for r in _core.RULES]


_RULE_OF_KIND = {
    GroupTagKind.CASE_SLIP: "group-tag-case",
    GroupTagKind.INVALID: "group-tag-invalid",
    GroupTagKind.LEGACY: "group-tag-legacy",
    GroupTagKind.FOREIGN: "group-tag-foreign",
}


@dataclass(frozen=True)
class GroupTag:
    """What a group tag means to Managed Desktop.

    ``profile`` and ``shared`` are set for valid MMD tags and for case slips (where they name the tag
    that was meant); ``reason`` explains an invalid MMD-looking tag.
    """

    text: str
    kind: GroupTagKind
    profile: Optional[DeviceProfile]
    shared: bool
    reason: str

    @property
    def rule(self) -> Optional[str]:
        """The spec's rule id this tag triggers (``group-tag-case``, ...), or None."""
        return _RULE_OF_KIND.get(self.kind)

    @property
    def suggestion(self) -> Optional[str]:
        """For a case slip, the exact tag that was meant."""
        if self.kind != GroupTagKind.CASE_SLIP or self.profile is None:
            return None
        return _core.format_group_tag(self.profile, self.shared)

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "kind": self.kind.name.lower(),
            "profile": None if self.profile is None else self.profile.name.lower(),
            "shared": self.shared,
            "rule": self.rule,
            "reason": self.reason,
        }


def parse_group_tag(tag: str) -> GroupTag:
    """Classifies a group tag exactly as written (no trimming)."""
    kind, profile, shared, reason = _core.parse_group_tag(tag)
    meaningful = kind in (GroupTagKind.MMD, GroupTagKind.CASE_SLIP)
    return GroupTag(tag, kind, profile if meaningful else None, shared if meaningful else False, reason)


def format_group_tag(profile: DeviceProfile, shared: bool = False) -> str:
    """The tag for a profile; raises InvalidInputError for Power user + shared."""
    try:
        return _core.format_group_tag(profile, shared)
    except ValueError as e:
        raise InvalidInputError(str(e)) from None


def deployment_profile_name(profile: DeviceProfile, shared: bool = False) -> str:
    """The Autopilot deployment profile a device of this profile receives; raises
    InvalidInputError for Power user + shared, which no group tag names."""
    try:
        return _core.deployment_profile_name(profile, shared)
    except ValueError as e:
        raise InvalidInputError(str(e)) from None


def generate_device_names(profile: DeviceProfile, count: int = 1, seed: Optional[int] = None) -> list[str]:
    """``count`` fresh device names from the profile's template; a seed makes them reproducible."""
    if count < 0:
        raise InvalidInputError(f"count must be >= 0, got {count}")
    return _core.generate_device_names(profile, count, seed)


profile_display_name = _core.profile_display_name
device_name_template = _core.device_name_template
follows_name_template = _core.follows_name_template
state_display_name = _core.state_display_name
error_message = _core.error_message
autopilot_equivalent = _core.autopilot_equivalent
ring_group = _core.ring_group
profile_group = _core.profile_group
