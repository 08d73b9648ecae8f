"""``llm-doc validate``: offline drift checks, fast enough to gate every commit.

This module is imported without typer, rich or pydantic (the entry point dispatches here
first), and the checker itself is only imported when a file is not in the result cache:
a warm run is interpreter start-up, file hashing and one cache query.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from llm_doc_manager.cli.text import plural
from llm_doc_manager.codes import FIXABLE, Finding, unknown_selector
from llm_doc_manager.config import Settings, load_settings
from llm_doc_manager.errors import ConfigError
from llm_doc_manager.source.discovery import iter_files
from llm_doc_manager.validate import apply_baseline, collect, owners, render, write_baseline


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
    parser.add_argument("--extend-select", action="append", default=[], metavar="CODES",
                        help="add these codes or prefixes to the selected ones")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODES",
                        help="skip these codes or prefixes (comma-separated)")
    parser.add_argument("--exit-zero", action="store_true",
                        help="exit 0 even when there are findings")
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


def _codes(values: Sequence[str], where: str) -> tuple[str, ...]:
    """Read code selectors; a selector that names no code is a usage error.

    A typo must not select nothing and let real drift pass (``--select LD3l1`` exits 2).
    """
    found: list[str] = []
    for value in values:
        for code in value.split(","):
            code = code.strip()
            if code.lower() == "fixable":
                found.extend(sorted(FIXABLE))
            elif code.upper() == "ALL":
                found.append("LD")
            elif code:
                if unknown_selector(code.upper()):
                    raise ConfigError(f"{where}: unknown code {code!r} (codes are LDnnn or a "
                                      "prefix of them; see docs/codes.md)")
                found.append(code.upper())
    return tuple(found)


def _selected(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    if select and not code.startswith(select):
        return False
    return not (ignore and code.startswith(ignore))


def main(argv: Sequence[str] | None = None) -> int:  # noqa: LD341 - caught inside
    """Run ``llm-doc validate``.

    Args:
        argv: Arguments after ``validate`` (default: ``sys.argv``).

    Returns:
        The exit code: 0 clean, 1 findings, 2 usage or configuration error.
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
    # Flags win over [tool.llm-doc]; the two lists are not merged (--extend-select adds).
    table = f"{settings.config_file}: [tool.llm-doc]"
    try:
        select = _codes(args.select, "--select") if args.select else \
            _codes(settings.select, f"{table} select")
        extend = _codes(args.extend_select, "--extend-select") + \
            _codes(settings.extend_select, f"{table} extend-select")
        if select:  # nothing selected means every code: extending it changes nothing
            select += extend
        ignore = _codes(args.ignore, "--ignore") if args.ignore else \
            _codes(settings.ignore, f"{table} ignore")
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    baseline: Path | None = args.baseline or settings.baseline
    use_cache = settings.cache and not args.no_cache
    findings = collect(files, settings, settings.all_defs, use_cache, args.jobs)
    if args.fix:
        fixable = [f for f in findings if f.code in FIXABLE and _selected(f.code, select, ignore)]
        status = _fix(fixable, settings, yes=args.yes, diff=args.diff)
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
        print(f"wrote {plural(len(findings), 'finding')} to {baseline}", file=sys.stderr)
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
        files_hit = len({f.path for f in findings})
        print(f"{plural(len(findings), 'finding')} in {files_hit} of {plural(len(files), 'file')}"
              if findings else f"{plural(len(files), 'file')} checked, no findings",
              file=sys.stderr)
    return 1 if findings and not args.exit_zero else 0


def _fix(findings: list[Finding], settings: Settings, *, yes: bool, diff: bool) -> int | None:
    """``--fix``: validate's owners, generate's offline pipeline, generate's apply path."""
    # Imported here: rich, pydantic and the pipeline are for --fix only.
    from llm_doc_manager.cli.apply import Report, WriteBack, apply_changes, summary_line
    from llm_doc_manager.cli.console import consoles
    from llm_doc_manager.generate import Options, run_files
    from llm_doc_manager.providers.static import StaticProvider

    by_file: dict[Path, set[int]] = {}
    for finding in findings:
        by_file.setdefault(finding.path, set()).add(finding.line)
    only = {path: owners(path, lines) for path, lines in by_file.items()}
    if not only:
        return None
    options = Options(width=settings.width, all_defs=True, only=only,
                      placeholder=settings.placeholder)
    results = asyncio.run(run_files(sorted(only), StaticProvider(settings.placeholder), options,
                                    jobs=os.cpu_count() or 1))
    out, err = consoles()
    report = Report()
    changes = report.add(results)
    mode = WriteBack.DIFF if diff else WriteBack.YES if yes else WriteBack.REVIEW
    apply_changes(changes, mode, out, err, report,
                  hint="Use --fix --yes to apply the fixes, or --fix --diff to see them.")
    if report.pending:
        return 1
    for problem in sorted(report.findings):
        err.print(problem.render())
    if not diff:
        err.print("fix: " + summary_line(report, "changed"))
    return None
