"""The registry commands of ``mmdreg``: a registration service kept in one SQLite file (``--db``).

Every command opens the file, does one thing, and closes it: every change is on disk when the
command ends, so a script can run them one after the other (or from several processes). Exit status:
0 done, 1 the service refused (an actor without the right, consent withdrawn, a device that cannot
be removed...) or some device failed or was left out, 2 a usage or I/O problem (a missing or
non-registry --db file, an unknown organization name, an unreadable upload).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import sys
from typing import Callable, Dict, List, Optional, Sequence, TextIO

from ._core import DeviceProfile
from ._errors import (
    ConflictError,
    Error,
    FileError,
    InvalidInputError,
    NotFoundError,
    RefusedError,
    UnsupportedError,
)
from .registry import CHANNELS, DEFAULT_START, BladeRow, Organization, Party, Registry

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2

DB_ENV = "MMDREG_DB"

PROFILE_NAMES: Dict[str, DeviceProfile] = {
    "standard": DeviceProfile.STANDARD,
    "sensitive-data": DeviceProfile.SENSITIVE_DATA,
    "power-user": DeviceProfile.POWER_USER,
    "kiosk": DeviceProfile.KIOSK,
}


class UsageError(Exception):
    """A problem with the command line or the --db file: exit status 2."""


class Refused(Exception):
    """The service refused: exit status 1."""


# --- parsing helpers ----------------------------------------------------------------------------


def parse_duration(text: str) -> int:
    """Seconds in ``90``, ``90s``, ``15m``, ``1h30m``, ``2d``, ``1d12h`` (units d, h, m, s)."""
    t = text.strip().lower()
    if re.fullmatch(r"\d+", t):
        return int(t)
    m = re.fullmatch(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", t)
    if not t or m is None:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a duration (examples: 90s, 15m, 1h30m, 2d)")
    d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    return ((d * 24 + h) * 60 + mi) * 60 + s


def format_duration(seconds: int) -> str:
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size or (unit == "s" and not parts):
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts)


def parse_time(text: str) -> int:
    """Unix seconds of an ISO 8601 time (``2026-01-01``, ``2026-01-01T08:00:00Z``; UTC when no
    offset is given)."""
    t = text.strip()
    try:
        value = _dt.datetime.fromisoformat(t[:-1] + "+00:00" if t.endswith(("Z", "z")) else t)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an ISO 8601 time (e.g. 2026-01-01T08:00:00Z)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return int(value.timestamp())


def parse_profile(text: str) -> DeviceProfile:
    key = text.strip().lower().replace("_", "-").replace(" ", "-")
    if key in PROFILE_NAMES:
        return PROFILE_NAMES[key]
    raise argparse.ArgumentTypeError(
        f"unknown profile '{text}' (expected {', '.join(PROFILE_NAMES)})")


FROM_TAGS = "from-tags"


def parse_batch_profile(text: str) -> Optional[DeviceProfile]:
    """A profile, or None for ``from-tags`` (the rows' MMD group tag decides)."""
    if text.strip().lower() == FROM_TAGS:
        return None
    return parse_profile(text)


def _iso(unix_seconds: int) -> str:
    return _dt.datetime.fromtimestamp(unix_seconds, tz=_dt.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


# --- opening the registry file -----------------------------------------------------------------


def _db_path(args: argparse.Namespace) -> str:
    path = args.db or os.environ.get(DB_ENV)
    if not path:
        raise UsageError(f"--db PATH is required (or set {DB_ENV})")
    return path


def open_registry(args: argparse.Namespace, *, write: bool, create: bool = False,
                  announce: bool = True) -> Registry:
    """The --db file. Only the commands that set a registry up may create it (and say so on
    stderr unless ``announce`` is off)."""
    path = _db_path(args)
    if not os.path.exists(path) and not create:
        raise UsageError(
            f"{path}: no registry file there (create one with 'mmdreg init --db {path}' or "
            f"'mmdreg org create --db {path} NAME')")
    fresh = not os.path.exists(path)
    try:
        registry = Registry(path, read_only=not write, seed=getattr(args, "seed", 0) or 0,
                            start=getattr(args, "start", None) or DEFAULT_START)
        if fresh and announce:
            print(f"mmdreg: created the registry file {path}", file=sys.stderr)
        return registry
    except UnsupportedError as e:
        raise UsageError(f"{e} (not an mmdreg registry file?)") from None
    except (FileError, NotFoundError, ConflictError, RefusedError) as e:
        raise UsageError(str(e)) from None


def _run(action: Callable[[], object]) -> object:
    """Runs one engine call; its refusals become exit status 1, bad values exit status 2."""
    try:
        return action()
    except (RefusedError, NotFoundError, ConflictError) as e:
        raise Refused(str(e)) from None
    except InvalidInputError as e:
        # The command line's own values are checked before the engine sees them: what the engine
        # calls invalid here is a request it refuses (e.g. rows carrying two group tags).
        raise Refused(str(e)) from None
    except (FileError, UnsupportedError) as e:
        raise UsageError(str(e)) from None


def resolve_org(registry: Registry, given: Optional[str]) -> Organization:
    """An organization by id or name; may be omitted when the registry holds exactly one."""
    orgs = registry.organizations()
    if given is None:
        if len(orgs) == 1:
            return orgs[0]
        if not orgs:
            raise UsageError("the registry has no organization yet (mmdreg org create NAME)")
        raise UsageError("--org is required: the registry holds " + ", ".join(
            f"{o.id} ({o.name})" for o in orgs))
    return _resolve(orgs, given, "organization")


def _resolve(items: Sequence, given: str, what: str):
    if given.isdigit():
        for item in items:
            if item.id == int(given):
                return item
        raise UsageError(f"{what} {given} does not exist")
    exact = [item for item in items if item.name == given]
    if len(exact) == 1:
        return exact[0]
    folded = [item for item in items if item.name.casefold() == given.casefold()]
    if len(folded) == 1:
        return folded[0]
    if len(exact) > 1 or len(folded) > 1:
        raise UsageError(f"several {what}s are named '{given}': give the id instead")
    raise UsageError(f"no {what} named '{given}'")


def resolve_partner(registry: Registry, given: str) -> Party:
    return _resolve(registry.partners(), given, "partner")


def resolve_oem(registry: Registry, given: str) -> Party:
    return _resolve(registry.oems(), given, "OEM")


def _dump(out: TextIO, value: object) -> None:
    json.dump(value, out, indent=2)
    out.write("\n")


# --- tables ---------------------------------------------------------------------------------------

DEVICE_COLUMNS = (
    ("ID", lambda r: str(r.id)),
    ("Device name", lambda r: r.name or "-"),
    ("Serial number", lambda r: r.serial_number),
    ("Manufacturer", lambda r: r.manufacturer or "-"),
    ("Model", lambda r: r.model or "-"),
    ("Registration state", lambda r: r.state),
    ("Profile", lambda r: r.profile + (" (Shared)" if r.shared else "")),
    ("Ring", lambda r: r.ring or "-"),
    ("Last error", lambda r: (r.last_error or "-") + (f" (Request ID {r.request_id})"
                                                      if r.request_id else "")),
)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(headers, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


def devices_table(rows: Sequence[BladeRow]) -> str:
    return format_table([h for h, _ in DEVICE_COLUMNS],
                        [[cell(r) for _, cell in DEVICE_COLUMNS] for r in rows])


# --- commands -------------------------------------------------------------------------------------


def _cmd_init(args: argparse.Namespace) -> int:
    path = _db_path(args)
    if os.path.exists(path):
        raise UsageError(f"{path} already exists (remove it first for a fresh registry)")
    with open_registry(args, write=True, create=True, announce=False) as registry:
        print(f"created {path}: clock at {_iso(registry.now)}, seed {args.seed}")
    return EXIT_OK


def _settings_text(o: Organization) -> str:
    from . import profile_display_name

    profiles = ", ".join(profile_display_name(p) for p in o.enabled_profiles) or "none"
    return (f"{o.id}: {o.name} (profiles: {profiles}; naming exception: "
            f"{'yes' if o.naming_exception else 'no'}; licensed: {'yes' if o.licensed else 'no'})")


def _cmd_org_create(args: argparse.Namespace) -> int:
    with open_registry(args, write=True, create=True) as registry:
        if any(o.name == args.name for o in registry.organizations()):
            raise UsageError(f"an organization named '{args.name}' exists already")
        org = _run(lambda: registry.add_organization(
            args.name, disabled_profiles=args.disable_profile or (),
            naming_exception=args.naming_exception, licensed=not args.unlicensed))
        o = registry.organization(org)
        if args.json:
            _dump(sys.stdout, o.to_dict())
        else:
            print(f"created organization {_settings_text(o)}")
    return EXIT_OK


def _cmd_org_set(args: argparse.Namespace) -> int:
    with open_registry(args, write=True) as registry:
        o = resolve_org(registry, args.org)
        profiles = set(o.enabled_profiles)
        profiles |= set(args.enable_profile or ())
        profiles -= set(args.disable_profile or ())
        updated = _run(lambda: registry.update_settings(
            o.id, name=args.name, enabled_profiles=profiles,
            naming_exception=args.naming_exception, licensed=args.licensed))
        if args.json:
            _dump(sys.stdout, updated.to_dict())
        else:
            print(f"updated organization {_settings_text(updated)}")
    return EXIT_OK


def _cmd_org_list(args: argparse.Namespace) -> int:
    with open_registry(args, write=False) as registry:
        orgs = registry.organizations()
        if args.json:
            _dump(sys.stdout, [o.to_dict() for o in orgs])
            return EXIT_OK
        partners = {p.id: p.name for p in registry.partners()}
        oems = {p.id: p.name for p in registry.oems()}
        for o in orgs:
            print(_settings_text(o))
            if o.partners:
                print("    partners with consent: " + ", ".join(
                    f"{p} ({partners.get(p, '?')})" for p in o.partners))
            if o.oems:
                print("    authorized OEMs: " + ", ".join(f"{p} ({oems.get(p, '?')})" for p in o.oems))
    return EXIT_OK


def _party_commands(kind: str) -> Dict[str, Callable[[argparse.Namespace], int]]:
    """add / list for partners or OEMs (kind "partner" or "oem")."""
    label = "partner" if kind == "partner" else "OEM"

    def add(args: argparse.Namespace) -> int:
        with open_registry(args, write=True, create=True) as registry:
            existing = registry.partners() if kind == "partner" else registry.oems()
            if any(p.name == args.name for p in existing):
                raise UsageError(f"a {label} named '{args.name}' exists already")
            adder = registry.add_partner if kind == "partner" else registry.add_oem
            pid = _run(lambda: adder(args.name))
            if args.json:
                _dump(sys.stdout, {"id": pid, "name": args.name})
            else:
                print(f"added {label} {pid}: {args.name}")
        return EXIT_OK

    def list_(args: argparse.Namespace) -> int:
        with open_registry(args, write=False) as registry:
            parties = registry.partners() if kind == "partner" else registry.oems()
            orgs = registry.organizations()
            rows = []
            for p in parties:
                related = [o for o in orgs if p.id in (o.partners if kind == "partner" else o.oems)]
                rows.append((p, related))
            if args.json:
                key = "consenting_organizations" if kind == "partner" else "authorizing_organizations"
                _dump(sys.stdout, [{**p.to_dict(), key: [o.id for o in related]} for p, related in rows])
            else:
                verb = "consent from" if kind == "partner" else "authorized by"
                for p, related in rows:
                    orgs_text = ", ".join(f"{o.id} ({o.name})" for o in related) or "nobody"
                    print(f"{p.id}: {p.name} ({verb} {orgs_text})")
        return EXIT_OK

    return {"add": add, "list": list_}


def _relationship(kind: str, grant: bool) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        with open_registry(args, write=True) as registry:
            o = resolve_org(registry, args.org)
            if kind == "partner":
                p = resolve_partner(registry, args.partner)
                _run(lambda: (registry.grant_consent if grant else registry.withdraw_consent)(o.id, p.id))
                done = "granted consent to" if grant else "withdrew consent from"
                print(f"{o.name}: {done} partner {p.id} ({p.name})")
            else:
                p = resolve_oem(registry, args.oem)
                _run(lambda: (registry.authorize_oem if grant else registry.revoke_oem)(o.id, p.id))
                done = "authorized" if grant else "revoked the authorization of"
                print(f"{o.name}: {done} OEM {p.id} ({p.name})")
        return EXIT_OK

    return run


def _cmd_register(args: argparse.Namespace) -> int:
    from . import profile_display_name

    out = sys.stdout
    with open_registry(args, write=True) as registry:
        o = resolve_org(registry, args.org)
        as_partner = resolve_partner(registry, args.as_partner).id if args.as_partner else None
        as_oem = resolve_oem(registry, args.as_oem).id if args.as_oem else None
        reports = []
        problems = io_failed = False
        for path in args.files:
            # One request per file: a refused file does not keep the others from registering.
            try:
                result = _run(lambda: registry.register_file(
                    o.id, path, args.profile, args.shared, args.order_id or "",
                    as_partner=as_partner, as_oem=as_oem, channel=args.via, format=args.format))
            except Refused as e:
                print(f"mmdreg: refused: {path}: {e}", file=sys.stderr)
                problems = True
                reports.append({"path": path, "refused": str(e)})
                continue
            except UsageError as e:  # an unreadable file; the others still go
                print(f"mmdreg: {e}", file=sys.stderr)
                io_failed = True
                continue
            problems |= bool(result["failed"] or result["rejected_rows"] or result["file_rejected"])
            report = {"path": path,
                      **{k: v for k, v in result.items() if k not in ("findings", "profile")},
                      "profile": profile_display_name(result["profile"]),
                      "findings": [f.to_dict() for f in result["findings"]]}
            reports.append(report)
            if not args.json:
                _print_registration(out, path, o, result)
        if args.json:
            _dump(out, reports)
    if io_failed:
        return EXIT_USAGE
    return EXIT_REFUSED if problems else EXIT_OK


def _print_registration(out: TextIO, path: str, o: Organization, r: dict) -> None:
    from . import profile_display_name

    if r["file_rejected"]:
        out.write(f"{path}: rejected whole by the upload rules; nothing was registered\n")
    elif r["request"] is None:
        out.write(f"{path}: no row passed the upload rules; nothing was registered\n")
    else:
        out.write(f"{path}: request {r['request']} for {o.name}: {r['accepted']:,} accepted, "
                  f"{r['failed']:,} failed, {r['rejected_rows']:,} rows kept out by the upload rules "
                  f"(profile {profile_display_name(r['profile'])}"
                  f"{', Shared' if r['shared'] else ''})\n")
        if r["retagged"]:
            out.write(f"  note: {r['retagged']:,} rows carried another group tag; the selected "
                      "profile decides (--profile from-tags keeps theirs)\n")
    for f in r["findings"]:
        if f.is_error:
            where = f"line {f.line}" if f.line else "file"
            out.write(f"  {where}: {f.severity} {f.rule}: {f.message}\n")
    for d in r["devices"]:
        if d["error"]:
            rid = f" (Request ID {d['request_id']})" if d["request_id"] else ""
            out.write(f"  line {d['line']} ({d['serial_number']}): {d['error']}{rid}\n")


def _cmd_advance(args: argparse.Namespace) -> int:
    seconds = (args.duration or 0) + args.days * 86400 + args.hours * 3600 + args.minutes * 60 \
        + args.seconds
    if args.duration is None and not (args.days or args.hours or args.minutes or args.seconds):
        raise UsageError("advance by how much? give a DURATION (e.g. 1h) or --days/--hours/--minutes")
    if min(args.days, args.hours, args.minutes, args.seconds) < 0:
        raise UsageError("the clock cannot go back")
    with open_registry(args, write=True) as registry:
        before = registry.now
        _run(lambda: registry.advance(seconds))
        after = registry.now
        if args.json:
            _dump(sys.stdout, {"from": _iso(before), "to": _iso(after), "seconds": after - before})
        else:
            print(f"clock: {_iso(before)} -> {_iso(after)} (+{format_duration(after - before)})")
    return EXIT_OK


def _cmd_devices(args: argparse.Namespace) -> int:
    with open_registry(args, write=False) as registry:
        o = resolve_org(registry, args.org)
        rows = _run(lambda: registry.devices(o.id))
        if args.state:
            from . import RegistrationState, state_display_name

            states = [state_display_name(s) for s in RegistrationState.__members__.values()]
            if args.state.casefold() not in {s.casefold() for s in states}:
                raise UsageError(f"unknown state '{args.state}' (expected {', '.join(states)})")
            rows = [r for r in rows if r.state.casefold() == args.state.casefold()]
        if args.json:
            _dump(sys.stdout, {"organization": o.id, "time": _iso(registry.now),
                               "devices": [r.to_dict() for r in rows]})
        else:
            sys.stdout.write(f"Devices of {o.name} at {_iso(registry.now)}: {len(rows):,}\n")
            if rows:
                sys.stdout.write(devices_table(rows))
    return EXIT_OK


def _cmd_requests(args: argparse.Namespace) -> int:
    with open_registry(args, write=False) as registry:
        o = resolve_org(registry, args.org)
        reqs = registry.requests(o.id)
        if args.json:
            _dump(sys.stdout, [r.to_dict() for r in reqs])
        else:
            headers = ("Request", "Created", "By", "Channel", "Profile", "Order ID", "Accepted",
                       "Failed")
            sys.stdout.write(format_table(headers, [
                (str(r.number), r.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"), r.by, r.channel,
                 r.profile + (" (Shared)" if r.shared else ""), r.order_id or "-",
                 str(r.accepted), str(r.failed)) for r in reqs]))
    return EXIT_OK


def _cmd_export_errors(args: argparse.Namespace) -> int:
    with open_registry(args, write=False) as registry:
        o = resolve_org(registry, args.org)
        as_partner = resolve_partner(registry, args.as_partner).id if args.as_partner else None
        request = args.request
        if request is None:
            reqs = registry.requests(o.id)
            if not reqs:
                raise UsageError(f"{o.name} has no registration request yet")
            request = reqs[-1].number
        text = _run(lambda: registry.export_failures(o.id, request, args.format,
                                                     as_partner=as_partner))
    if args.format == "json":
        text += "\n"
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        except OSError as e:
            raise UsageError(f"cannot write {args.out}: {e.strerror}") from None
        print(f"wrote the failures of request {request} to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _cmd_deregister(args: argparse.Namespace) -> int:
    status = EXIT_OK
    with open_registry(args, write=True) as registry:
        o = resolve_org(registry, args.org)
        for device in args.devices:
            try:
                _run(lambda: registry.deregister(o.id, device))
                print(f"removed device {device} from {o.name}")
            except Refused as e:
                print(f"mmdreg: refused: device {device}: {e}", file=sys.stderr)
                status = EXIT_REFUSED
    return status


def _cmd_audit(args: argparse.Namespace) -> int:
    fmt = "json" if args.json else args.format
    with open_registry(args, write=False) as registry:
        o = resolve_org(registry, args.org)
        if fmt == "text":
            records = _run(lambda: registry.audit(o.id, device=args.device, since=args.since,
                                                  until=args.until))
            sys.stdout.write(format_table(
                ("Time", "Device", "Serial number", "From", "To", "Cause", "Actor"),
                [(r.time.strftime("%Y-%m-%dT%H:%M:%SZ"), str(r.device), r.serial_number,
                  r.from_state or "-", r.to_state or "-", r.cause, r.actor) for r in records]))
        else:
            text = _run(lambda: registry.export_audit(o.id, fmt, device=args.device,
                                                      since=args.since, until=args.until))
            sys.stdout.write(text + ("\n" if fmt == "json" else ""))
    return EXIT_OK


# --- the parser -------------------------------------------------------------------------------------


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Adds the registry commands to the ``mmdreg`` parser."""
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", metavar="PATH",
                    help=f"the registry file (default: ${DB_ENV})")
    org = argparse.ArgumentParser(add_help=False)
    org.add_argument("--org", metavar="ORG",
                     help="organization id or name (may be omitted when there is only one)")
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print JSON")
    profile_choice = dict(type=parse_profile, metavar="PROFILE",
                          help=f"one of {', '.join(PROFILE_NAMES)} (repeatable)")

    p = sub.add_parser("init", parents=[db], help="create a fresh registry file",
                       description="Create a fresh registry file. --seed and --start fix its "
                       "history: one seed gives the same names, rings and Request IDs.")
    p.add_argument("--seed", type=int, default=0, help="seed of every random choice (default 0)")
    p.add_argument("--start", type=parse_time, metavar="TIME",
                   help=f"the clock's first reading, ISO 8601 (default {_iso(DEFAULT_START)})")
    p.set_defaults(run=_cmd_init)

    o = sub.add_parser("org", help="organizations (tenants) and their settings")
    osub = o.add_subparsers(dest="org_command", required=True, parser_class=type(o))
    c = osub.add_parser("create", parents=[db, as_json],
                        help="add an organization (creates the --db file when missing)")
    c.add_argument("name", metavar="NAME")
    c.add_argument("--disable-profile", action="append", **profile_choice)
    c.add_argument("--naming-exception", action="store_true",
                   help="the 4-hourly rename job leaves its devices alone")
    c.add_argument("--unlicensed", action="store_true",
                   help="no MMD licences assigned: every registration is refused")
    c.set_defaults(run=_cmd_org_create)
    s = osub.add_parser("set", parents=[db, org, as_json], help="change an organization's settings")
    s.add_argument("--name", help="rename it")
    s.add_argument("--enable-profile", action="append", **profile_choice)
    s.add_argument("--disable-profile", action="append", **profile_choice)
    s.add_argument("--naming-exception", action=argparse.BooleanOptionalAction, default=None)
    s.add_argument("--licensed", action=argparse.BooleanOptionalAction, default=None)
    s.set_defaults(run=_cmd_org_set)
    ls = osub.add_parser("list", parents=[db, as_json],
                         help="organizations, settings, partners and OEMs")
    ls.set_defaults(run=_cmd_org_list)

    for kind, label, grant, revoke, grant_help, revoke_help in (
        ("partner", "CSP partners", "consent", "withdraw",
         "the organization's admin consents: the partner may register for it",
         "the organization's admin withdraws consent"),
        ("oem", "OEMs", "authorize", "revoke",
         "the organization's admin authorizes the OEM to register for it",
         "the organization's admin revokes the authorization"),
    ):
        k = sub.add_parser(kind, help=f"{label} and their relationships")
        ksub = k.add_subparsers(dest=f"{kind}_command", required=True, parser_class=type(k))
        commands = _party_commands(kind)
        a = ksub.add_parser("add", parents=[db, as_json],
                            help=f"add a {kind} (creates the --db file when missing)")
        a.add_argument("name", metavar="NAME")
        a.set_defaults(run=commands["add"])
        ksub.add_parser("list", parents=[db, as_json], help=f"{label} and who trusts them") \
            .set_defaults(run=commands["list"])
        for verb, is_grant, text in ((grant, True, grant_help), (revoke, False, revoke_help)):
            r = ksub.add_parser(verb, parents=[db, org], help=text)
            r.add_argument(kind, metavar=kind.upper(), help=f"{kind} id or name")
            r.set_defaults(run=_relationship(kind, is_grant))

    r = sub.add_parser("register", parents=[db, org, as_json],
                       help="register upload files (validated first; one request per file)",
                       description="Validate each file and register its accepted rows in one "
                       "request. Exit status 1 when a device failed or a row was kept out.")
    r.add_argument("files", nargs="+", metavar="FILE", help="CSV (any dialect) or JSON device list")
    r.add_argument("--profile", type=parse_batch_profile, default=DeviceProfile.STANDARD,
                   metavar="PROFILE",
                   help=f"one of {', '.join(PROFILE_NAMES)} (default standard): it creates the "
                   f"group tag, as in the Devices blade; '{FROM_TAGS}' lets the rows' MMD tag decide")
    r.add_argument("--shared", action="store_true", help="Shared device mode (not Power user)")
    r.add_argument("--format", choices=("auto", "csv", "json"), default="auto",
                   help="what the files are (default auto: a JSON device list when the file "
                   "starts with { or [, a CSV otherwise)")
    r.add_argument("--order-id", metavar="ID", help="the order id of the batch")
    who = r.add_mutually_exclusive_group()
    who.add_argument("--as-partner", metavar="PARTNER",
                     help="register as this CSP partner (needs the organization's consent)")
    who.add_argument("--as-oem", metavar="OEM",
                     help="register as this OEM (needs the organization's authorization)")
    r.add_argument("--via", choices=CHANNELS,
                   help="channel (default: devices-blade, partner-center for a partner, oem-api "
                   "for an OEM)")
    r.set_defaults(run=_cmd_register)

    a = sub.add_parser("advance", parents=[db, as_json],
                       help="move the simulated clock on, running the workflow and the jobs due")
    a.add_argument("duration", nargs="?", type=parse_duration, metavar="DURATION",
                   help="e.g. 10m, 1h, 1h30m, 7d, or seconds")
    for unit in ("days", "hours", "minutes", "seconds"):
        a.add_argument(f"--{unit}", type=int, default=0)
    a.set_defaults(run=_cmd_advance)

    d = sub.add_parser("devices", parents=[db, org, as_json],
                       help="the organization's Devices blade")
    d.add_argument("--state", metavar="STATE", help="only rows in this state, e.g. 'Ready for user'")
    d.set_defaults(run=_cmd_devices)

    q = sub.add_parser("requests", parents=[db, org, as_json],
                       help="the organization's registration requests")
    q.set_defaults(run=_cmd_requests)

    e = sub.add_parser("export-errors", parents=[db, org],
                       help="the failures of a request, with Request IDs (CSV or JSON)")
    e.add_argument("--request", type=int, metavar="N", help="request number (default: the latest)")
    e.add_argument("--format", choices=("csv", "json"), default="csv")
    e.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    e.add_argument("--as-partner", metavar="PARTNER", help="read as the partner that made it")
    e.set_defaults(run=_cmd_export_errors)

    x = sub.add_parser("deregister", parents=[db, org], help="remove devices (by Devices-blade id)")
    x.add_argument("devices", nargs="+", type=int, metavar="DEVICE")
    x.set_defaults(run=_cmd_deregister)

    u = sub.add_parser("audit", parents=[db, org, as_json], help="the audit trail")
    u.add_argument("--device", type=int, metavar="DEVICE")
    u.add_argument("--since", type=parse_time, metavar="TIME", help="ISO 8601, inclusive")
    u.add_argument("--until", type=parse_time, metavar="TIME", help="ISO 8601, inclusive")
    u.add_argument("--format", choices=("text", "csv", "json"), default="text")
    u.set_defaults(run=_cmd_audit)


def run_command(args: argparse.Namespace) -> Optional[int]:
    """Runs a registry command; None when ``args`` is not one."""
    if getattr(args, "run", None) is None or args.run.__module__ != __name__:
        return None
    try:
        return args.run(args)
    except UsageError as e:
        print(f"mmdreg: {e}", file=sys.stderr)
        return EXIT_USAGE
    except Refused as e:
        print(f"mmdreg: refused: {e}", file=sys.stderr)
        return EXIT_REFUSED
    except Error as e:
        print(f"mmdreg: {e}", file=sys.stderr)
        return EXIT_USAGE


__all__: List[str] = ["add_commands", "run_command", "parse_duration", "parse_time"]
