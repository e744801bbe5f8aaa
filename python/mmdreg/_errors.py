"""The exception hierarchy, rooted at :class:`mmdreg.Error`, and the mapping of native failures."""
from __future__ import annotations

import contextlib
from typing import Iterator

from . import _core


class Error(Exception):
    """Root of every exception mmdreg raises."""


class InvalidInputError(Error, ValueError):
    """The input is malformed or a combination the service refuses."""


class FileError(Error, OSError):
    """A file could not be opened, read or written."""


class NotFoundError(Error, LookupError):
    """The thing named does not exist."""


class RefusedError(Error):
    """The operation is not allowed in the current state or for this actor."""


class ConflictError(Error):
    """The operation collides with existing data."""


class UnsupportedError(Error):
    """A format or version this build does not handle."""


_BY_CODE = {
    "invalid_argument": InvalidInputError,
    "io": FileError,
    "not_found": NotFoundError,
    "refused": RefusedError,
    "conflict": ConflictError,
    "unsupported": UnsupportedError,
}


@contextlib.contextmanager
def native_errors() -> Iterator[None]:
    """Turns the native layer's failures into the package's exceptions."""
    try:
        yield
    except _core.NativeError as e:
        code, message = e.args
        raise _BY_CODE.get(code, Error)(message) from None
