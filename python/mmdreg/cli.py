"""The ``mmdreg`` command: validate, inspect and merge Autopilot / Managed Desktop upload files, and
run a registration service kept in a registry file (--db): organizations, partners, OEMs,
registration, the clock, the Devices blade, failure exports, the audit trail.

Exit status: 0 when no error was found, 1 when an error was found in the input (or the service
refused, or a device failed), 2 for a usage or I/O problem. Progress goes to stderr only when stderr is a terminal; colour only on a terminal.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import List, Optional, Sequence, TextIO

from . import __version__, registry_cli
from ._errors import Error, FileError, InvalidInputError
from .hashes import HashReport, inspect
from .merging import merge
from .validation import DIALECTS, TARGETS, validate

EXIT_OK = 0
EXIT_FOUND_ERRORS = 1
EXIT_USAGE = 2


class _Style:
    """ANSI colour when the stream is a terminal (and NO_COLOR is not set), plain text otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.enabled = stream.isatty() and "NO_COLOR" not in os.environ

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text

    def error(self, text: str) -> str:
        return self._wrap("1;31", text)

    def warning(self, text: str) -> str:
        return self._wrap("1;33", text)

    def good(self, text: str) -> str:
        return self._wrap("32", text)

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def severity(self, severity: str) -> str:
        return self.error(severity) if severity == "error" else self.warning(severity)


class _Progress:
    """A one-line progress display on stderr, drawn only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.enabled = sys.stderr.isatty()
        self.total = total
        self.done = 0

    def show(self, label: str, rows: int = 0) -> None:
        if not self.enabled:
            return
        width = 24
        filled = width * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (width - filled)
        rows_text = f" {rows:,} rows" if rows else ""
        sys.stderr.write(f"\r\033[K[{bar}] {self.done}/{self.total} {label}{rows_text}")
        sys.stderr.flush()

    def clear(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _usage_error(message: str) -> int:
    print(f"mmdreg: {message}", file=sys.stderr)
    return EXIT_USAGE


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


# --- validate ---------------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace) -> int:
    out = sys.stdout
    style = _Style(out)
    progress = _Progress(len(args.files))
    files: List[dict] = []
    io_failed = False
    for path in args.files:
        progress.show(os.path.basename(path))
        try:
            report = validate(
                path,
                dialect=args.dialect,
                target=args.target,
                threads=args.threads,
                progress=(lambda rows, p=path: progress.show(os.path.basename(p), rows))
                if progress.enabled
                else None,
            )
        except FileError as e:
            progress.clear()
            print(f"mmdreg: {e}", file=sys.stderr)
            io_failed = True
            continue
        progress.done += 1
        s = report.summary
        files.append(
            {
                "path": path,
                "dialect": s.dialect,
                "encoding": s.encoding,
                "rows": s.rows,
                "accepted": s.accepted,
                "rejected": s.rejected,
                "diagnostics": [
                    {"line": f.line, "column": f.column, "rule": f.rule, "severity": f.severity,
                     "message": f.message}
                    for f in report.findings
                ],
                # Kept out of the JSON (its shape is fixed); used by the text output.
                "_errors": s.errors,
                "_warnings": s.warnings,
                "_fixes": [f.fix for f in report.findings],
            }
        )
        if not args.json:
            progress.clear()
            _print_validation(out, style, files[-1])
    progress.clear()
    summary = {
        "files": len(files),
        "rows": sum(f["rows"] for f in files),
        "accepted": sum(f["accepted"] for f in files),
        "rejected": sum(f["rejected"] for f in files),
        "errors": sum(f["_errors"] for f in files),
        "warnings": sum(f["_warnings"] for f in files),
    }
    if args.json:
        public = [{k: v for k, v in f.items() if not k.startswith("_")} for f in files]
        json.dump({"files": public, "summary": summary}, out, indent=2)
        out.write("\n")
    elif len(files) > 1:
        out.write(
            style.bold(
                f"total: {_plural(summary['files'], 'file')}, {_plural(summary['rows'], 'row')}: "
                f"{summary['accepted']:,} accepted, {summary['rejected']:,} rejected, "
                f"{_plural(summary['errors'], 'error')}, {_plural(summary['warnings'], 'warning')}"
            )
            + "\n"
        )
    if io_failed:
        return EXIT_USAGE
    return EXIT_FOUND_ERRORS if summary["errors"] else EXIT_OK


def _print_validation(out: TextIO, style: _Style, f: dict) -> None:
    verdict = style.good("ok") if f["_errors"] == 0 else style.error("rejected rows")
    out.write(
        f"{style.bold(f['path'])}: {f['dialect'] or 'unknown dialect'}, {f['encoding']}, "
        f"{_plural(f['rows'], 'row')}: {f['accepted']:,} accepted, {f['rejected']:,} rejected, "
        f"{_plural(f['_errors'], 'error')}, {_plural(f['_warnings'], 'warning')} ({verdict})\n"
    )
    for d, fix in zip(f["diagnostics"], f["_fixes"]):
        where = f"line {d['line']}" if d["line"] else "file"
        column = f" [{d['column']}]" if d["column"] else ""
        out.write(f"  {where}{column}: {style.severity(d['severity'])} {d['rule']}: {d['message']}\n")
        if fix:
            out.write(f"      fix: {fix}\n")


# --- inspect ----------------------------------------------------------------------------------


def _hash_text_entries(arg: str) -> List[tuple]:
    """(label, hash text) pairs: every row of a file, or the argument itself as a hash."""
    from . import _core
    from ._errors import native_errors

    if os.path.isfile(arg):
        with native_errors():
            rows = _core.file_hashes(arg)
        return [(f"{arg}:{line}" + (f" ({serial})" if serial else ""), text) for line, serial, text in rows]
    if arg.lower().endswith((".csv", ".txt", ".xml")):
        raise FileError(f"cannot read {arg}: no such file")
    return [("hash", arg.strip())]


def _print_hash(out: TextIO, style: _Style, label: str, report: HashReport) -> None:
    out.write(style.bold(label) + "\n")
    if not report.valid:
        p = report.problem or {}
        out.write(f"  {style.error('invalid')} {p.get('rule')}: {p.get('message')}\n")
        if p.get("fix"):
            out.write(f"      fix: {p['fix']}\n")
        return
    for name, value in report.fields.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        out.write(f"  {name.replace('_', ' ')}: {'-' if value is None else value}\n")
    marks = {"passed": style.good("passed"), "met": style.good("met"), "failed": style.error("failed"),
             "not met": style.error("not met"), "unknown": style.warning("unknown")}
    out.write("  checks:\n")
    for c in report.checks:
        out.write(f"    {c.name}: {marks.get(c.outcome, c.outcome)} ({c.detail})\n")
    out.write("  readiness:\n")
    for c in report.readiness:
        out.write(f"    {c.name}: {marks.get(c.outcome, c.outcome)} ({c.detail})\n")
    ready = report.ready
    verdict = {True: style.good("ready"), False: style.error("not ready"),
               None: style.warning("ready as far as the hash shows (some requirements unknown)")}[ready]
    out.write(f"  verdict: {verdict}\n")


def _cmd_inspect(args: argparse.Namespace) -> int:
    out = sys.stdout
    style = _Style(out)
    entries: List[tuple] = []
    try:
        for arg in args.hashes:
            entries.extend(_hash_text_entries(arg))
    except FileError as e:
        return _usage_error(str(e))
    results = [(label, inspect(text)) for label, text in entries]
    if args.json:
        json.dump([{"source": label, **r.to_dict()} for label, r in results], out, indent=2)
        out.write("\n")
    else:
        for label, r in results:
            _print_hash(out, style, label, r)
    return EXIT_FOUND_ERRORS if any(not r.valid for _, r in results) else EXIT_OK


# --- merge ------------------------------------------------------------------------------------


def _cmd_merge(args: argparse.Namespace) -> int:
    out = sys.stdout
    style = _Style(out)
    progress = _Progress(1)
    progress.show("merging")
    try:
        report = merge(args.files, args.out, dialect=args.dialect, group_tag=args.group_tag,
                       target=args.target)
    except InvalidInputError as e:
        progress.clear()
        return _usage_error(str(e))
    except FileError as e:
        progress.clear()
        return _usage_error(str(e))
    progress.clear()
    if args.json:
        json.dump(report.to_dict(), out, indent=2)
        out.write("\n")
    else:
        out.write(
            f"{_plural(report.rows_in, 'row')} read, {report.rows_out:,} written "
            f"({report.dialect}), {report.repaired:,} hashes repaired, "
            f"{len(report.dropped):,} left out, {_plural(len(report.conflicts), 'conflict')}\n"
        )
        for f in report.files:
            out.write(f"  wrote {f['path']} ({_plural(f['rows'], 'row')})\n")
        for source, finding in report.source_findings:
            out.write(f"  {source}: {style.severity(finding.severity)} {finding.rule}: {finding.message}\n")
        for d in report.dropped:
            where = f"{d.source}:{d.line}" if d.line else d.source
            out.write(f"  left out {where}: {style.error(d.rule)}: {d.message}\n")
        for c in report.conflicts:
            out.write(
                f"  {style.warning('conflict')}: {c.manufacturer} {c.serial} has two identities: "
                f"{c.first_source}:{c.first_line} and {c.second_source}:{c.second_line} (both kept; "
                "decide which is right)\n"
            )
    return EXIT_FOUND_ERRORS if report.dropped else EXIT_OK


# --- entry point ------------------------------------------------------------------------------


_EPILOG = """\
registry walk-through (each command opens --db, does one thing, and closes it):
  mmdreg org create --db reg.db Contoso --disable-profile kiosk
  mmdreg partner add --db reg.db "Adatum CSP"
  mmdreg partner consent --db reg.db --org Contoso "Adatum CSP"
  mmdreg register --db reg.db --org Contoso devices-001.csv --profile sensitive-data
  mmdreg register --db reg.db --org Contoso more.csv --as-partner "Adatum CSP"
  mmdreg devices --db reg.db --org Contoso          # Registration Pending
  mmdreg advance --db reg.db 1h
  mmdreg devices --db reg.db --org Contoso --json   # Ready for user
  mmdreg export-errors --db reg.db --org Contoso --format csv
  mmdreg deregister --db reg.db --org Contoso 3
  mmdreg audit --db reg.db --org Contoso --device 3
--db defaults to $MMDREG_DB; --org takes an id or a name and may be omitted when the registry
holds one organization. 'mmdreg COMMAND --help' describes each command.

exit status: 0 done and nothing wrong; 1 errors found in the input, a device failed or was kept
out, or the service refused (no consent, disabled profile, device pending...); 2 a usage or I/O
problem (bad option, unreadable file, missing or non-registry --db file).
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mmdreg",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"mmdreg {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    v = sub.add_parser("validate", help="check upload files against every rule of the spec")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.add_argument("--dialect", choices=DIALECTS, help="expected dialect (default: detect)")
    v.add_argument("--target", choices=TARGETS, help="upload limit to enforce (default: the dialect's)")
    v.add_argument("--threads", type=int, default=1, help="threads for hash decoding (default 1)")
    v.add_argument("--json", action="store_true", help="print one JSON object")
    v.set_defaults(run=_cmd_validate)

    i = sub.add_parser("inspect", help="decode hardware hashes: fields, checks, readiness")
    i.add_argument("hashes", nargs="+", metavar="HASH_OR_FILE",
                   help="a hash (4000 base64 characters) or a CSV file (every row is inspected)")
    i.add_argument("--json", action="store_true", help="print a JSON array")
    i.set_defaults(run=_cmd_inspect)

    m = sub.add_parser("merge", help="repair and merge files into clean, split upload files")
    m.add_argument("files", nargs="+", metavar="FILE")
    m.add_argument("--out", required=True, metavar="DIR", help="directory for devices-001.csv, ...")
    m.add_argument("--dialect", choices=DIALECTS, help="output dialect (default autopilot)")
    m.add_argument("--group-tag", help="group tag applied to every row")
    m.add_argument("--target", choices=TARGETS, help="decides the rows per file")
    m.add_argument("--json", action="store_true", help="print the report as JSON")
    m.set_defaults(run=_cmd_merge)

    registry_cli.add_commands(sub)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_usage(sys.stderr)
        return EXIT_USAGE
    if getattr(args, "threads", 1) < 1:
        return _usage_error("--threads must be at least 1")
    try:
        status = registry_cli.run_command(args)
        if status is not None:
            return status
        return args.run(args)
    except Error as e:
        return _usage_error(str(e))
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
