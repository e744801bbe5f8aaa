"""The registration service (spec sections 1, 4-7): organizations, partners and OEMs, registration
of upload files, the simulated clock, the Devices blade, failure exports and the audit trail.

Two flavours share one API:

- :class:`Registry` keeps its state in a SQLite registry file: every change is committed durably
  when the call returns, and opening the file again (in this process or another) continues exactly
  where it stopped. This is what the ``mmdreg`` command's ``--db`` option opens.
- :class:`MemoryRegistry` keeps its state in memory only: it ends with the object.

Refusals (an actor without the right, consent withdrawn, a disabled profile...) raise the matching
:class:`mmdreg.Error` subclass (mostly :class:`mmdreg.RefusedError`) and change nothing. Per-device
registration failures are not exceptions: they are part of the result, with the exact messages of
spec 5 and, for ``Unexpected error``, a Request ID.

Long calls (opening a file, registering, advancing the clock, reading the blade or the audit trail)
release the GIL.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from typing import Iterable, List, Optional, Tuple, Union

from . import _core
from ._core import DeviceProfile
from ._errors import FileError, InvalidInputError, NotFoundError, native_errors

PathLike = Union[str, "os.PathLike[str]"]

#: The first reading of a fresh registry's clock: 2026-01-01T00:00:00Z.
DEFAULT_START = 1_767_225_600

#: Channel ids of spec 1, in the engine's order.
CHANNELS = ("devices-blade", "autopilot-blade", "partner-center", "oem-api", "mmd-api")

_PROFILES = (DeviceProfile.STANDARD, DeviceProfile.SENSITIVE_DATA, DeviceProfile.POWER_USER,
             DeviceProfile.KIOSK)


def _utc(unix_seconds: int) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(unix_seconds, tz=_dt.timezone.utc)


def _iso(unix_seconds: int) -> str:
    return _utc(unix_seconds).strftime("%Y-%m-%dT%H:%M:%SZ")


def _unix(t: Union[int, _dt.datetime, None]) -> Optional[int]:
    if t is None or isinstance(t, int):
        return t
    if t.tzinfo is None:
        raise InvalidInputError(f"{t.isoformat()} has no time zone (give it tzinfo=timezone.utc)")
    return int(t.timestamp())


@dataclass(frozen=True)
class BladeRow:
    """One line of the Devices blade, with the service's exact strings (``state`` is e.g.
    ``"Registration Pending"``, ``last_error`` the message of spec 5, ``ring`` the ring's Entra
    group, ``ring_assigned_by`` ``"Automatic"`` or ``"Admin"``, ``channel`` the channel id)."""

    id: int
    name: str
    serial_number: str
    manufacturer: str
    model: str
    state: str
    profile: str
    shared: bool
    ring: Optional[str]
    last_error: Optional[str]
    group_tag: str
    ring_assigned_by: Optional[str] = None
    request_id: Optional[str] = None
    registered_at: Optional[_dt.datetime] = None
    channel: str = "devices-blade"

    def to_dict(self) -> dict:
        """Plain values (``registered_at`` as ISO 8601 UTC), ready for ``json.dumps``."""
        d = dict(self.__dict__)
        if self.registered_at is not None:
            d["registered_at"] = self.registered_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        return d


@dataclass(frozen=True)
class Organization:
    """A tenant: its settings and the partners / OEMs it consented to or authorized."""

    id: int
    name: str
    enabled_profiles: Tuple[DeviceProfile, ...]
    naming_exception: bool
    licensed: bool
    partners: Tuple[int, ...] = ()
    oems: Tuple[int, ...] = ()

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "enabled_profiles": [_core.profile_display_name(p) for p in self.enabled_profiles],
            "naming_exception": self.naming_exception,
            "licensed": self.licensed,
            "partners": list(self.partners),
            "oems": list(self.oems),
        }


@dataclass(frozen=True)
class Party:
    """A CSP partner or an OEM known to the service."""

    id: int
    name: str

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class Request:
    """One registration request (batch) of an organization."""

    number: int
    by: str  #: e.g. "tenant admin 1", "CSP partner 2"
    channel: str
    profile: str
    shared: bool
    order_id: str
    created_at: _dt.datetime
    accepted: int
    failed: int

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["created_at"] = self.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        return d


@dataclass(frozen=True)
class Failure:
    """One failed device of a request, as the failure export has it."""

    line: int
    manufacturer: str
    model: str
    serial_number: str
    error: str
    request_id: str


@dataclass(frozen=True)
class AuditRecord:
    """One audit entry: a state change (``from_state``/``to_state``, None outside the blade) or an
    event that keeps the state (ring, group, name, tag)."""

    time: _dt.datetime
    device: int
    serial_number: str
    from_state: Optional[str]
    to_state: Optional[str]
    cause: str
    actor: str


def _actor(as_partner: Optional[int], as_oem: Optional[int]) -> Tuple[str, int]:
    if as_partner is not None and as_oem is not None:
        raise InvalidInputError("act as a partner or as an OEM, not both")
    if as_partner is not None:
        return "partner", as_partner
    if as_oem is not None:
        return "oem", as_oem
    return "admin", 0


class _Service:
    """The API shared by :class:`Registry` and :class:`MemoryRegistry`."""

    _core: "_core.Registry"

    # -- organizations, partners, OEMs -------------------------------------------------------------

    def add_organization(
        self,
        name: str,
        *,
        disabled_profiles: Iterable[DeviceProfile] = (),
        naming_exception: bool = False,
        licensed: bool = True,
    ) -> int:
        """A new tenant; returns its id. By default every profile is enabled and licences are
        assigned; ``disabled_profiles=[DeviceProfile.KIOSK]`` is the common exception."""
        disabled = set(disabled_profiles)
        enabled = [p not in disabled for p in _PROFILES]
        with native_errors():
            return self._core.add_organization(name, enabled, naming_exception, licensed)

    def organization(self, organization: int) -> Organization:
        """One organization; NotFoundError when it does not exist."""
        for o in self.organizations():
            if o.id == organization:
                return o
        raise NotFoundError(f"organization {organization} does not exist")

    def organizations(self) -> List[Organization]:
        """Every organization, in id order."""
        with native_errors():
            rows = self._core.organizations()
        return [
            Organization(
                id=r["id"],
                name=r["name"],
                enabled_profiles=tuple(p for p, on in zip(_PROFILES, r["enabled_profiles"]) if on),
                naming_exception=r["naming_exception"],
                licensed=r["licensed"],
                partners=tuple(r["partners"]),
                oems=tuple(r["oems"]),
            )
            for r in rows
        ]

    def update_settings(
        self,
        organization: int,
        *,
        name: Optional[str] = None,
        enabled_profiles: Optional[Iterable[DeviceProfile]] = None,
        naming_exception: Optional[bool] = None,
        licensed: Optional[bool] = None,
    ) -> Organization:
        """Changes what is given (as the organization's tenant admin) and returns the result."""
        current = self.organization(organization)
        profiles = set(current.enabled_profiles if enabled_profiles is None else enabled_profiles)
        with native_errors():
            self._core.update_settings(
                organization,
                current.name if name is None else name,
                [p in profiles for p in _PROFILES],
                current.naming_exception if naming_exception is None else naming_exception,
                current.licensed if licensed is None else licensed,
            )
        return self.organization(organization)

    def add_partner(self, name: str) -> int:
        """A CSP partner known to the service; returns its id."""
        with native_errors():
            return self._core.add_partner(name)

    def partners(self) -> List[Party]:
        with native_errors():
            return [Party(i, n) for i, n in self._core.partners()]

    def add_oem(self, name: str) -> int:
        """An OEM known to the service; returns its id."""
        with native_errors():
            return self._core.add_oem(name)

    def oems(self) -> List[Party]:
        with native_errors():
            return [Party(i, n) for i, n in self._core.oems()]

    def grant_consent(self, organization: int, partner: int) -> None:
        """The tenant admin consents to the partner relationship: the partner may register devices
        for the organization until consent is withdrawn."""
        with native_errors():
            self._core.set_partner_consent(organization, partner, True)

    def withdraw_consent(self, organization: int, partner: int) -> None:
        """Ends the partner's right to register for the organization."""
        with native_errors():
            self._core.set_partner_consent(organization, partner, False)

    def authorize_oem(self, organization: int, oem: int) -> None:
        """The tenant admin authorizes the OEM to register devices for the organization."""
        with native_errors():
            self._core.set_oem_authorization(organization, oem, True)

    def revoke_oem(self, organization: int, oem: int) -> None:
        """Ends the OEM's authorization."""
        with native_errors():
            self._core.set_oem_authorization(organization, oem, False)

    # -- registration ---------------------------------------------------------------------------------

    def register_file(
        self,
        organization: int,
        path: PathLike,
        profile: Optional[DeviceProfile] = DeviceProfile.STANDARD,
        shared: bool = False,
        order_id: str = "",
        *,
        as_partner: Optional[int] = None,
        as_oem: Optional[int] = None,
        channel: Optional[str] = None,
        format: str = "auto",
    ) -> dict:
        """Validates an upload file (CSV of any dialect and encoding, or a JSON device list) and
        registers its accepted rows; see :meth:`register_bytes` for ``format`` and the result."""
        try:
            with open(os.fspath(path), "rb") as f:
                content = f.read()
        except OSError as e:
            raise FileError(f"cannot read {os.fspath(path)}: {e.strerror}") from None
        return self.register_bytes(organization, content, profile, shared, order_id,
                                   as_partner=as_partner, as_oem=as_oem, channel=channel,
                                   format=format)

    def register_bytes(
        self,
        organization: int,
        content: bytes,
        profile: Optional[DeviceProfile] = DeviceProfile.STANDARD,
        shared: bool = False,
        order_id: str = "",
        *,
        as_partner: Optional[int] = None,
        as_oem: Optional[int] = None,
        channel: Optional[str] = None,
        format: str = "auto",
    ) -> dict:
        """Validates an upload and registers its accepted rows in one request.

        ``format`` says what the content is: ``"csv"`` (any dialect and encoding), ``"json"`` (a
        device list, as the Graph import takes it) or ``"auto"``: JSON when the first non-blank
        byte within the first 64 is ``{`` or ``[``, CSV otherwise. InvalidInputError for another
        value, and for content named JSON that is no device list.

        The actor is the organization's tenant admin unless ``as_partner`` / ``as_oem`` names a
        partner or OEM. ``channel`` (one of :data:`CHANNELS`) defaults to the actor's own:
        devices-blade, partner-center or oem-api.

        The selected ``profile`` (+ ``shared``) creates the batch's group tag, as the Devices blade
        does (spec 6): the rows' own Group Tag values are not submitted, and ``retagged`` counts
        the rows whose tag said otherwise. ``profile=None`` lets the rows' MMD tag decide instead
        (rows must then agree: the service refuses a batch with two tags). Refusals raise (RefusedError for an actor
        without consent or authorization, a disabled profile, Shared with Power user...).

        Returns a dict: ``request`` (its number; None when nothing was submitted: the file was
        rejected whole, or no row was accepted), ``accepted``, ``failed``, ``rows``,
        ``rejected_rows`` (rows the upload rules kept out), ``file_rejected``, ``profile`` and
        ``shared`` (what the batch was registered with), ``retagged``, ``findings``
        (:class:`mmdreg.Finding`), and ``devices``: per submitted device ``line``,
        ``serial_number``, ``device`` (its Devices-blade id), ``error`` and ``request_id``.
        """
        from .validation import Finding

        if channel is not None and channel not in CHANNELS:
            raise InvalidInputError(f"unknown channel '{channel}' (expected {', '.join(CHANNELS)})")
        kind, actor_id = _actor(as_partner, as_oem)
        with native_errors():
            result = self._core.register_upload(organization, content, profile, shared, order_id,
                                                kind, actor_id, channel, format)
        result["findings"] = [Finding(*f) for f in result["findings"]]
        return result

    def deregister(self, organization: int, device: int) -> None:
        """Removes a device (tenant admin): its Autopilot record and group memberships go and its
        identity is released. NotFoundError for a device not in the blade; RefusedError while it
        is Registration Pending."""
        with native_errors():
            self._core.deregister(organization, device)

    # -- the clock ----------------------------------------------------------------------------------

    def advance(self, by: Union[int, _dt.timedelta]) -> None:
        """Moves the clock on (seconds or a timedelta), running every workflow step and job that
        falls due, in time order."""
        seconds = int(by.total_seconds()) if isinstance(by, _dt.timedelta) else int(by)
        with native_errors():
            self._core.advance(seconds)

    @property
    def now(self) -> int:
        """The simulated clock, in Unix seconds."""
        with native_errors():
            return self._core.now()

    @property
    def time(self) -> _dt.datetime:
        """The simulated clock as an aware UTC datetime."""
        return _utc(self.now)

    # -- views --------------------------------------------------------------------------------------

    def devices(self, organization: int) -> List[BladeRow]:
        """The organization's Devices blade, as its admin sees it."""
        with native_errors():
            rows = self._core.devices(organization)
        out = []
        for row in rows:
            row["registered_at"] = _utc(row["registered_at"])
            out.append(BladeRow(**row))
        return out

    def requests(self, organization: int) -> List[Request]:
        """The organization's registration requests, oldest first."""
        self.organization(organization)
        with native_errors():
            rows = self._core.requests(organization)
        out = []
        for row in rows:
            row["created_at"] = _utc(row["created_at"])
            out.append(Request(**row))
        return out

    def failures(self, organization: int, request: int, *, as_partner: Optional[int] = None,
                 as_oem: Optional[int] = None) -> List[Failure]:
        """The failed devices of one request (tenant admin, or the partner / OEM that made it)."""
        doc = json.loads(self.export_failures(organization, request, "json", as_partner=as_partner,
                                              as_oem=as_oem))
        return [Failure(d["line"], d["manufacturer"], d["model"], d["serialNumber"], d["error"],
                        d["requestId"]) for d in doc]

    def export_failures(self, organization: int, request: int, format: str = "csv", *,
                        as_partner: Optional[int] = None, as_oem: Optional[int] = None) -> str:
        """The failure export of one request: ``csv`` (``Line,Manufacturer,Model,Serial Number,
        Error,Request ID``, CRLF) or ``json`` (an array of objects)."""
        if format not in ("csv", "json"):
            raise InvalidInputError(f"unknown export format '{format}' (expected csv or json)")
        kind, actor_id = _actor(as_partner, as_oem)
        with native_errors():
            return self._core.failures(organization, request, format, kind, actor_id)

    def audit(self, organization: int, *, device: Optional[int] = None,
              since: Union[int, _dt.datetime, None] = None,
              until: Union[int, _dt.datetime, None] = None) -> List[AuditRecord]:
        """Audit entries of the organization's devices in time order, narrowed by device and an
        inclusive time range (Unix seconds or aware datetimes)."""
        doc = json.loads(self.export_audit(organization, "json", device=device, since=since,
                                           until=until))
        return [
            AuditRecord(_dt.datetime.strptime(d["time"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=_dt.timezone.utc), d["device"], d["serialNumber"], d["from"], d["to"],
                d["cause"], d["actor"])
            for d in doc
        ]

    def export_audit(self, organization: int, format: str = "csv", *, device: Optional[int] = None,
                     since: Union[int, _dt.datetime, None] = None,
                     until: Union[int, _dt.datetime, None] = None) -> str:
        """The audit trail as ``csv`` (``Time,Device,Serial Number,From,To,Cause,Actor``) or
        ``json`` (an array of objects with ``time``, ``device``, ``serialNumber``, ``from``,
        ``to``, ``cause``, ``actor``)."""
        if format not in ("csv", "json"):
            raise InvalidInputError(f"unknown export format '{format}' (expected csv or json)")
        with native_errors():
            return self._core.audit(organization, device, _unix(since), _unix(until), format)


class MemoryRegistry(_Service):
    """A volatile registration service: one seed gives one history.

    ``start`` is the simulated clock's first reading in Unix seconds.
    """

    def __init__(self, seed: int = 0, start: int = DEFAULT_START) -> None:
        self._core = _core.Registry(seed, start)


class Registry(_Service):
    """A durable registration service in one SQLite registry file.

    Opens ``path``, creating a fresh registry there when no file exists (``create=False`` raises
    NotFoundError instead). ``seed`` and ``start`` only matter for a fresh file: an existing one
    keeps its own. ``read_only=True`` opens for reading: every change raises RefusedError. A file
    that is not a registry (or has a newer schema) raises UnsupportedError without being touched.

    Use it as a context manager, or call :meth:`close`; several processes may open the same file
    (one writer at a time; a process whose copy is stale gets ConflictError and should reopen).
    """

    def __init__(self, path: PathLike, *, create: bool = True, read_only: bool = False,
                 seed: int = 0, start: int = DEFAULT_START) -> None:
        file = os.fspath(path)
        if not os.path.exists(file) and (read_only or not create):
            raise NotFoundError(f"{file}: no registry file there")
        if os.path.isdir(file):
            raise FileError(f"{file} is a directory, not a registry file")
        with native_errors():
            self._core = _core.Registry(file, read_only, seed, start)

    @property
    def path(self) -> str:
        """The registry file."""
        return self._core.path

    @property
    def read_only(self) -> bool:
        return self._core.read_only

    @property
    def closed(self) -> bool:
        return self._core.closed

    def close(self) -> None:
        """Closes the file (every change is already on disk). Further calls raise RefusedError."""
        self._core.close()

    def __enter__(self) -> "Registry":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
