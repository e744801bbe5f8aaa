"""Inspecting hardware hashes (spec section 3) and their readiness for Managed Desktop (section 8)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from . import _core


@dataclass(frozen=True)
class Check:
    """One check: a name (or requirement), ``outcome`` and what the hash shows."""

    name: str
    outcome: str
    detail: str

    def to_dict(self) -> dict:
        return {"name": self.name, "outcome": self.outcome, "detail": self.detail}


@dataclass(frozen=True)
class HashReport:
    """What a hardware hash says.

    ``valid`` is False when it does not decode; then ``problem`` holds the spec's rule id, the
    message and the fix, and the other fields are empty. ``fields`` holds the decoded values
    (serial_number, manufacturer, model, smbios_uuid, capture_time, utc_offset_minutes,
    windows_build, architecture, ram_gb, boot_disk, tpm_version); ``checks`` the integrity checks;
    ``readiness`` the device requirements with outcome ``met``, ``not met`` or ``unknown``.
    """

    valid: bool
    problem: Optional[dict] = None
    fields: dict = field(default_factory=dict)
    checks: List[Check] = field(default_factory=list)
    readiness: List[Check] = field(default_factory=list)

    @property
    def ready(self) -> Optional[bool]:
        """False when a requirement is not met, True when all are met, None when some are unknown."""
        if not self.valid:
            return False
        outcomes = {c.outcome for c in self.readiness}
        if "not met" in outcomes:
            return False
        return None if "unknown" in outcomes else True

    def to_dict(self) -> dict:
        return {
            "valid": self.valid,
            "problem": self.problem,
            "fields": self.fields,
            "checks": [c.to_dict() for c in self.checks],
            "readiness": [c.to_dict() for c in self.readiness],
            "ready": self.ready,
        }


def inspect(text: str) -> HashReport:
    """Decodes a hardware hash (the 4000 base64 characters) and reports its fields, checks and
    readiness. A hash that does not decode is a report with ``valid`` False, not an exception."""
    raw = _core.inspect_hash(text)
    if not raw["valid"]:
        return HashReport(False, raw["problem"])
    return HashReport(
        True,
        None,
        raw["fields"],
        [Check(c["check"], c["outcome"], c["detail"]) for c in raw["checks"]],
        [Check(c["requirement"], c["outcome"], c["detail"]) for c in raw["readiness"]],
    )
