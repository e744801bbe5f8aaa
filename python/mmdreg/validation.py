"""Validating upload files (spec section 2.1): whole reports, or findings streamed lazily."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterator, List, Optional, Tuple, Union

from . import _core
from ._errors import FileError, InvalidInputError, native_errors

Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]

#: Bytes handed to the native validator per step when findings are iterated lazily.
CHUNK_BYTES = 1 << 20

TARGETS = ("intune", "partner-center", "none")
DIALECTS = ("autopilot", "partner-center", "mmd-self", "mmd-partner")


@dataclass(frozen=True)
class Finding:
    """One finding: the spec's rule id, ``"error"`` or ``"warning"``, where, what and what to do.

    ``line`` is 1-based with the header on line 1 (0 for a finding about the whole file);
    ``column`` is the column's header name, empty when there is none.
    """

    rule: str
    severity: str
    line: int
    column: str
    message: str
    fix: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Summary:
    """Counts for one input. ``dialect`` is None when no header was recognised."""

    rows: int
    accepted: int
    rejected: int
    blank_lines: int
    errors: int
    warnings: int
    file_rejected: bool
    dialect: Optional[str]
    encoding: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ValidationReport:
    """The counts and every finding of one input, in input order."""

    summary: Summary
    findings: List[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No finding of severity error."""
        return self.summary.errors == 0

    def to_dict(self) -> dict:
        return {"summary": self.summary.to_dict(), "findings": [f.to_dict() for f in self.findings]}


def _check_choice(value: Optional[str], choices: Tuple[str, ...], what: str) -> None:
    if value is not None and value not in choices:
        raise InvalidInputError(f"unknown {what} {value!r} (expected one of {', '.join(choices)})")


def _is_path(source: Source) -> bool:
    return isinstance(source, (str, os.PathLike))


def validate(
    source: Source,
    dialect: Optional[str] = None,
    target: Optional[str] = None,
    threads: int = 1,
    progress: Optional[Callable[[int], None]] = None,
) -> ValidationReport:
    """Validates a file (a path) or bytes already in memory.

    ``dialect`` is one of ``autopilot``, ``partner-center``, ``mmd-self``, ``mmd-partner`` (None
    detects it from the header); ``target`` (``intune``, ``partner-center``, ``none``) decides the
    row limit (None: the dialect's own). ``threads`` > 1 decodes hashes in parallel with identical
    results. The GIL is released while the native validator runs; bytes are read in place, not
    copied. ``progress``, when given, is called with the rows read so far every 65,536 rows.
    Raises FileError when the file cannot be read.
    """
    _check_choice(dialect, DIALECTS, "dialect")
    _check_choice(target, TARGETS, "target")
    if threads < 1:
        raise InvalidInputError(f"threads must be >= 1, got {threads}")
    with native_errors():
        if _is_path(source):
            summary, findings = _core.validate_path(os.fspath(source), dialect, target, threads, progress)
        else:
            summary, findings = _core.validate_buffer(source, dialect, target, threads, progress)
    return ValidationReport(Summary(**summary), [Finding(*f) for f in findings])


class FindingStream:
    """Findings of one input produced chunk by chunk: iterate it for the findings; ``summary`` is
    set once the iteration is over. Memory holds only the findings of one chunk."""

    def __init__(self, source: Source, dialect: Optional[str], target: Optional[str], threads: int) -> None:
        _check_choice(dialect, DIALECTS, "dialect")
        _check_choice(target, TARGETS, "target")
        if threads < 1:
            raise InvalidInputError(f"threads must be >= 1, got {threads}")
        self._source = source
        self._validator = _core.ChunkValidator(dialect, target, threads)
        self.summary: Optional[Summary] = None

    def _chunks(self) -> Iterator[memoryview]:
        if _is_path(self._source):
            try:
                with open(self._source, "rb", buffering=0) as f:
                    buffer = bytearray(CHUNK_BYTES)
                    view = memoryview(buffer)
                    while True:
                        n = f.readinto(buffer)
                        if not n:
                            return
                        yield view[:n]
            except OSError as e:
                raise FileError(f"cannot read {os.fspath(self._source)}: {e.strerror}") from None
        else:
            whole = memoryview(self._source).cast("B")
            for start in range(0, len(whole), CHUNK_BYTES):
                yield whole[start : start + CHUNK_BYTES]

    def __iter__(self) -> Iterator[Finding]:
        for chunk in self._chunks():
            for f in self._validator.feed(chunk):
                yield Finding(*f)
        findings, summary = self._validator.finish()
        for f in findings:
            yield Finding(*f)
        self.summary = Summary(**summary)


def iter_findings(
    source: Source, dialect: Optional[str] = None, target: Optional[str] = None, threads: int = 1
) -> FindingStream:
    """Like :func:`validate`, but yields the findings as the input is read (1 MiB at a time), so
    a file with millions of findings never has them all in memory; the summary is on the returned
    stream once it is exhausted."""
    return FindingStream(source, dialect, target, threads)
