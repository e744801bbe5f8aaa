"""Repair and merge (spec 2.2): many files in, clean upload files out, every row accounted for."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Union

from . import _core
from ._errors import native_errors
from .validation import DIALECTS, TARGETS, Finding, _check_choice


@dataclass(frozen=True)
class Dropped:
    """An input row that is in no output file: the spec's rule that keeps it out, and why.
    ``line`` is 0 when the whole source was unreadable."""

    source: str
    line: int
    rule: str
    message: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Conflict:
    """Two rows with one manufacturer + serial but different device identities (both kept)."""

    manufacturer: str
    serial: str
    first_source: str
    first_line: int
    second_source: str
    second_line: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class MergeReport:
    """What a merge wrote (``files``: path and row count of each output file) and what it left out."""

    dialect: str
    header: str
    files: List[dict]
    dropped: List[Dropped] = field(default_factory=list)
    conflicts: List[Conflict] = field(default_factory=list)
    source_findings: List[tuple] = field(default_factory=list)  # (source, Finding)
    rows_in: int = 0
    rows_out: int = 0
    repaired: int = 0

    def to_dict(self) -> dict:
        return {
            "dialect": self.dialect,
            "header": self.header,
            "files": self.files,
            "dropped": [d.to_dict() for d in self.dropped],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "source_findings": [{"source": s, **f.to_dict()} for s, f in self.source_findings],
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "repaired": self.repaired,
        }


def merge(
    paths: Sequence[Union[str, "os.PathLike[str]"]],
    out_dir: Union[str, "os.PathLike[str]"],
    dialect: Optional[str] = None,
    group_tag: Optional[str] = None,
    target: Optional[str] = None,
) -> MergeReport:
    """Merges upload files of any dialects and encodings into ``out_dir`` (created when missing) as devices-001.csv, ...

    ``dialect`` is the output dialect (default autopilot); ``group_tag`` is applied to every row;
    ``target`` decides the rows per file. The GIL is released during the merge. Raises
    InvalidInputError for a refused group tag or dialect, FileError when output cannot be written.
    """
    _check_choice(dialect, DIALECTS, "dialect")
    _check_choice(target, TARGETS, "target")
    with native_errors():
        raw = _core.merge([os.fspath(p) for p in paths], os.fspath(out_dir), dialect, group_tag, target)
    return MergeReport(
        raw["dialect"],
        raw["header"],
        raw["files"],
        [Dropped(**d) for d in raw["dropped"]],
        [Conflict(**c) for c in raw["conflicts"]],
        [(s, Finding(*f)) for s, f in raw["source_findings"]],
        raw["rows_in"],
        raw["rows_out"],
        raw["repaired"],
    )
