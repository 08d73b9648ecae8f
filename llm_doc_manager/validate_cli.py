"""``llm-doc validate``: offline drift checks, fast enough to gate every commit.

This module is imported without typer, rich or pydantic (the entry point dispatches here
first), and the checker itself is only imported when a file is not in the result cache:
a warm run is interpreter start-up, file hashing and one cache query.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from llm_doc_manager import __version__, errors
from llm_doc_manager.cache import cache_dir, remove_database
from llm_doc_manager.config import Settings, load_settings
from llm_doc_manager.discovery import iter_files
from llm_doc_manager.errors import FIXABLE, ConfigError, Finding

RESULTS_FILE = "validate-v1.sqlite3"
_MAX_ROWS = 200_000
# Below this many files to check, worker processes cost more than they save.
_PARALLEL_FROM = 64


@dataclass(frozen=True)
class _Job:
    path: str
    key: str


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="llm-doc validate",
        description="Check docstrings against the code, offline. Exit 0 clean, 1 findings, "
                    "2 usage or configuration error.")
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: .)")
    parser.add_argument("--all", dest="all_defs", action="store_true", default=None,
                        help="check every def, class and module, not only marked regions")
    parser.add_argument("--select", action="append", default=[], metavar="CODES",
                        help="only these codes or prefixes (comma-separated; 'fixable' names "
                             "the codes --fix can fix)")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODES",
                        help="skip these codes or prefixes (comma-separated)")
    parser.add_argument("--format", choices=("human", "json", "github"), default="human",
                        help="output format (default: human)")
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="ignore the findings recorded in FILE")
    parser.add_argument("--write-baseline", action="store_true",
                        help="record the current findings in --baseline FILE and exit 0")
    parser.add_argument("--width", type=int, help="longest docstring line (default 79)")
    parser.add_argument("--fix", action="store_true",
                        help="sync docstrings to the code where a finding can be fixed "
                             "offline (review each change, or --yes / --diff)")
    parser.add_argument("--yes", "-y", action="store_true", help="with --fix: apply at once")
    parser.add_argument("--diff", action="store_true", help="with --fix: print the diff only")
    parser.add_argument("--no-cache", action="store_true", help="do not use the result cache")
    parser.add_argument("--jobs", "-j", type=int, default=0,
                        help="worker processes for uncached files (default: one per core)")
    parser.add_argument("--config", type=Path, help="use this pyproject.toml")
    parser.add_argument("--quiet", "-q", action="store_true", help="no summary line")
    return parser


def _codes(values: Sequence[str]) -> tuple[str, ...]:
    codes: list[str] = []
    for value in values:
        for code in value.split(","):
            code = code.strip()
            if code.lower() == "fixable":
                codes.extend(sorted(FIXABLE))
            elif code:
                codes.append(code.upper())
    return tuple(codes)


def _selected(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    if select and not code.startswith(select):
        return False
    return not (ignore and code.startswith(ignore))


# -- result cache -----------------------------------------------------------------------


class _Results:
    """Findings per file content (and settings), so unchanged files are not checked again."""

    def __init__(self, directory: Path | None) -> None:
        self.db: sqlite3.Connection | None = None
        if directory is None:
            return
        path = directory / RESULTS_FILE
        for attempt in range(2):
            try:
                directory.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, timeout=30, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, "
                           "findings TEXT NOT NULL, used REAL NOT NULL)")
                self.db = db
                return
            except sqlite3.DatabaseError:
                if attempt == 0:  # damaged: start afresh
                    remove_database(path)
            except (sqlite3.Error, OSError):
                return

    def get_many(self, keys: list[str]) -> dict[str, str]:
        if self.db is None or not keys:
            return {}
        found: dict[str, str] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(self.db.execute(
                    f"SELECT key, findings FROM results WHERE key IN ({marks})", chunk))
        except sqlite3.Error:
            return {}
        return found

    def put_many(self, rows: list[tuple[str, str]]) -> None:
        if self.db is None or not rows:
            return
        now = time.time()
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                                [(k, v, now) for k, v in rows])
            count = self.db.execute("SELECT count(*) FROM results").fetchone()[0]
            if count > _MAX_ROWS:
                self.db.execute("DELETE FROM results WHERE key IN (SELECT key FROM results "
                                "ORDER BY used LIMIT ?)", (count - _MAX_ROWS,))
            self.db.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


#: Bump when the checks change within a version, so cached results are not reused.
CHECKS_VERSION = 7


def _signature(settings: Settings, all_defs: bool) -> str:
    return json.dumps([__version__, CHECKS_VERSION, all_defs, settings.width],
                      separators=(",", ":"))


# -- checking ---------------------------------------------------------------------------


def _check_path(path: str, all_defs: bool, width: int) -> list[list[object]]:
    """Check one file in a worker (or here); findings as plain lists for pickling."""
    from llm_doc_manager.files import SourceDecodeError, decode_source
    from llm_doc_manager.validate import CheckOptions, check_source

    file = Path(path)
    try:
        text, _ = decode_source(file.read_bytes())
    except SourceDecodeError as exc:
        return [[exc.line, 0, errors.DECODE_ERROR, str(exc)]]
    except OSError as exc:
        return [[0, 0, errors.WRITE_ERROR, f"cannot read: {exc.strerror or exc}"]]
    found = check_source(file, text, CheckOptions(all_defs=all_defs, width=width))
    return [[f.line, f.col, f.code, f.message] for f in found]


def _check_all(paths: list[str], all_defs: bool, width: int, jobs: int
               ) -> list[list[list[object]]]:
    workers = jobs or (os.cpu_count() or 1)
    if workers <= 1 or len(paths) < _PARALLEL_FROM:
        return [_check_path(p, all_defs, width) for p in paths]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_check_path, paths, [all_defs] * len(paths),
                             [width] * len(paths), chunksize=8))


def collect(files: list[Path], settings: Settings, all_defs: bool, use_cache: bool,
            jobs: int) -> list[Finding]:
    """Return the findings of ``files``, from the result cache where the content is known.

    Args:
        files (list[Path]): The files.
        settings (Settings): The run's settings (width and cache folder).
        all_defs (bool): Check every definition.
        use_cache (bool): Read and write the result cache.
        jobs (int): Worker processes (0: one per core).

    Returns:
        list[Finding]: Every finding, unfiltered.
    """
    signature = _signature(settings, all_defs).encode()
    jobs_list: list[_Job] = []
    findings: list[Finding] = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            findings.append(Finding(path, 0, 0, errors.WRITE_ERROR,
                                    f"cannot read: {exc.strerror or exc}"))
            continue
        jobs_list.append(_Job(str(path), hashlib.sha256(signature + data).hexdigest()))
    results = _Results(cache_dir(settings) if use_cache else None)
    try:
        known = results.get_many([j.key for j in jobs_list])
        todo = [j for j in jobs_list if j.key not in known]
        fresh = _check_all([j.path for j in todo], all_defs, settings.width, jobs)
        results.put_many([(j.key, json.dumps(rows)) for j, rows in zip(todo, fresh,
                                                                       strict=True)])
        by_key = {j.key: rows for j, rows in zip(todo, fresh, strict=True)}
        for job in jobs_list:
            rows = by_key[job.key] if job.key in by_key else json.loads(known[job.key])
            path = Path(job.path)
            findings.extend(Finding(path, int(str(line)), int(str(col)), str(code), str(msg))
                            for line, col, code, msg in rows)
    finally:
        results.close()
    return findings


# -- baseline ---------------------------------------------------------------------------


def _baseline_key(finding: Finding) -> tuple[str, str, str]:
    # Lines move as code is edited; the file, code and message identify a finding.
    return finding.path.as_posix(), finding.code, finding.message


def write_baseline(path: Path, findings: list[Finding]) -> None:
    """Record findings so that later runs report only new ones.

    Args:
        path (Path): The baseline file (JSON).
        findings (list[Finding]): The findings to accept.
    """
    entries = [{"path": p, "code": c, "message": m}
               for p, c, m in sorted(_baseline_key(f) for f in findings)]
    path.write_text(json.dumps({"version": 1, "tool": "llm-doc", "findings": entries},
                               indent=1) + "\n", encoding="utf-8")


def apply_baseline(path: Path, findings: list[Finding]) -> list[Finding]:
    """Drop the findings recorded in a baseline (each entry absorbs one finding).

    A baseline file that does not exist yet accepts nothing.

    Args:
        path (Path): The baseline file.
        findings (list[Finding]): Current findings.

    Returns:
        list[Finding]: The new findings.

    Raises:
        ConfigError: If the file cannot be read.
    """
    if not path.exists():
        return findings  # not written yet: everything is new (the safe direction)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        budget = Counter((e["path"], e["code"], e["message"]) for e in data["findings"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: cannot read baseline: {exc}") from exc
    new = []
    for finding in findings:
        key = _baseline_key(finding)
        if budget[key] > 0:
            budget[key] -= 1
        else:
            new.append(finding)
    return new


# -- output -----------------------------------------------------------------------------


def _escape_github(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render(findings: list[Finding], fmt: str, color: bool) -> str:
    """Format findings for output.

    Args:
        findings (list[Finding]): Sorted findings.
        fmt (str): ``human``, ``json`` or ``github``.
        color (bool): Colour the human format.

    Returns:
        str: The text to print.
    """
    if fmt == "json":
        return json.dumps([{"path": f.path.as_posix(), "line": f.line, "col": f.col,
                            "code": f.code, "message": f.message} for f in findings]) + "\n"
    if fmt == "github":
        return "".join(
            f"::error file={f.path.as_posix()},line={max(f.line, 1)},col={max(f.col, 1)},"
            f"title={f.code}::{_escape_github(f.message)}\n" for f in findings)
    out: list[str] = []
    previous: Path | None = None
    for finding in findings:
        if previous is not None and finding.path != previous:
            out.append("\n")
        previous = finding.path
        location = f"{finding.path}:{finding.line}:{finding.col}:"
        code = finding.code
        if color:
            location, code = f"\x1b[1m{location}\x1b[0m", f"\x1b[31m{code}\x1b[0m"
        out.append(f"{location} {code} {finding.message}\n")
    return "".join(out)


# -- entry ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:  # noqa: LD341 - caught inside
    """Run ``llm-doc validate``.

    Args:
        argv (Sequence[str] | None): Arguments after ``validate`` (default: ``sys.argv``).

    Returns:
        int: The exit code.

    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    paths: list[Path] = args.paths or [Path(".")]
    try:
        if args.yes and args.diff:
            raise ConfigError("--yes and --diff cannot be combined")
        if (args.yes or args.diff) and not args.fix:
            raise ConfigError("--yes and --diff go with --fix")
        settings = load_settings(paths[0], {"width": args.width, "all_defs": args.all_defs},
                                 dict(os.environ), args.config)
        if args.write_baseline and not (args.baseline or settings.baseline):
            raise ConfigError("--write-baseline needs --baseline FILE (or baseline in "
                              "[tool.llm-doc])")
        files = iter_files(paths, settings.exclude)
    except (ConfigError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # Flags win over [tool.llm-doc]; the two lists are not merged.
    select = _codes(args.select or settings.select)
    ignore = _codes(args.ignore or settings.ignore)
    baseline: Path | None = args.baseline or settings.baseline
    use_cache = settings.cache and not args.no_cache
    findings = collect(files, settings, settings.all_defs, use_cache, args.jobs)
    if args.fix:
        from llm_doc_manager.fixer import fix

        fixable = [f for f in findings if f.code in FIXABLE and _selected(f.code, select, ignore)]
        status = fix(fixable, settings, yes=args.yes, diff=args.diff)
        if status is not None:
            return status
        if not args.diff:
            changed = sorted({f.path for f in fixable})
            done = set(changed)
            findings = [f for f in findings if f.path not in done] + collect(
                changed, settings, settings.all_defs, use_cache, args.jobs)
    findings = sorted(f for f in findings if _selected(f.code, select, ignore))
    if args.write_baseline and baseline is not None:
        write_baseline(baseline, findings)
        print(f"wrote {len(findings)} finding{'s' if len(findings) != 1 else ''} to "
              f"{baseline}", file=sys.stderr)
        return 0
    if baseline is not None:
        try:
            findings = apply_baseline(baseline, findings)
        except ConfigError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    sys.stdout.write(render(findings, args.format, color=sys.stdout.isatty()
                            and "NO_COLOR" not in os.environ))
    if not args.quiet and args.format == "human":
        count = len(findings)
        files_hit = len({f.path for f in findings})
        print(f"{count} finding{'s' if count != 1 else ''} in {files_hit} of {len(files)} "
              f"file{'s' if len(files) != 1 else ''}" if count else
              f"{len(files)} file{'s' if len(files) != 1 else ''} checked, no findings",
              file=sys.stderr)
    return 1 if findings else 0
