"""The registration engine (spec sections 4-7) in memory: register files, advance the simulated
clock, read the Devices blade. Nothing is persisted: the state ends with the object."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List, Optional, Union

from . import _core
from ._core import DeviceProfile
from ._errors import native_errors


@dataclass(frozen=True)
class BladeRow:
    """One line of the Devices blade, with the service's exact strings (``state`` is e.g.
    ``"Registration Pending"``, ``last_error`` the message of spec 5)."""

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

    def to_dict(self) -> dict:
        return dict(self.__dict__)


class MemoryRegistry:
    """A volatile registration service: one seed gives one history.

    ``start`` is the simulated clock's first reading in Unix seconds. Refusals raise the matching
    :class:`mmdreg.Error` subclass; per-device failures are part of the result, not exceptions.
    """

    def __init__(self, seed: int = 0, start: int = 1_767_225_600) -> None:
        self._core = _core.MemoryRegistry(seed, start)

    def add_organization(self, name: str) -> int:
        """A new tenant with every profile enabled and licences assigned; returns its id."""
        with native_errors():
            return self._core.add_organization(name)

    def register_file(
        self,
        organization: int,
        path: Union[str, "os.PathLike[str]"],
        profile: DeviceProfile = DeviceProfile.STANDARD,
        shared: bool = False,
        order_id: str = "",
    ) -> dict:
        """Validates the file and registers its accepted rows as the tenant admin through the
        Devices blade. Returns ``request``, ``accepted``, ``failed``, ``rejected_rows`` (rows the
        CSV rules rejected, not submitted) and per device ``line``, ``device``, ``error``."""
        with native_errors():
            return self._core.register_file(organization, os.fspath(path), profile, shared, order_id)

    def advance(self, seconds: int) -> None:
        """Moves the clock on, running every workflow step and job that falls due."""
        with native_errors():
            self._core.advance(seconds)

    @property
    def now(self) -> int:
        """The simulated clock, in Unix seconds."""
        return self._core.now()

    def devices(self, organization: int) -> List[BladeRow]:
        """The organization's Devices blade, as its admin sees it."""
        with native_errors():
            return [BladeRow(**row) for row in self._core.devices(organization)]
