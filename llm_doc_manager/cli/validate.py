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
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from llm_doc_manager.cli.args import (
    FINDINGS,
    INTERRUPTED,
    USAGE,
    add_file_options,
    describe_config,
    new_parser,
    stdin_copy,
    stdin_target,
    use_color,
)
from llm_doc_manager.cli.text import plural
from llm_doc_manager.codes import FIXABLE, Finding, unknown_selector
from llm_doc_manager.config import Settings, describe_check_width, flag_list, load_settings
from llm_doc_manager.errors import ConfigError
from llm_doc_manager.source.discovery import is_excluded, iter_files
from llm_doc_manager.source.since import changes_since
from llm_doc_manager.validate import apply_baseline, collect, owners, render, write_baseline

DESCRIPTION = ("Check docstrings against the code, offline. Exit 0 clean, 1 findings, 2 usage "
               "or configuration error.")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``validate``'s options to ``parser``."""
    add_file_options(parser)
    checks = parser.add_argument_group("checks")
    checks.add_argument("--all", dest="all_defs", action="store_true", default=None,
                        help="check every def, class and module, not only marked regions")
    checks.add_argument("--select", action="append", default=[], metavar="CODES",
                        help="only these codes or prefixes, comma-separated ('fixable': the "
                             "codes --fix can fix; 'ALL': every code)")
    checks.add_argument("--extend-select", action="append", default=[], metavar="CODES",
                        help="add these codes or prefixes to the selected ones")
    checks.add_argument("--ignore", action="append", default=[], metavar="CODES",
                        help="skip these codes or prefixes, comma-separated")
    checks.add_argument("--width", type=int,
                        help="longest docstring line (default: [tool.black] or [tool.ruff] "
                             "line-length, else 79)")
    checks.add_argument("--baseline", type=Path, metavar="FILE",
                        help="ignore the findings recorded in FILE (it must exist)")
    checks.add_argument("--write-baseline", action="store_true",
                        help="record the current findings in --baseline FILE and exit 0")
    checks.add_argument("--exit-zero", action="store_true",
                        help="exit 0 even when there are findings")
    checks.add_argument("--format", choices=("human", "json", "github"), default="human",
                        help="output format (default: human)")
    checks.add_argument("--stats", action="store_true",
                        help="also print docstring coverage, completeness and truthfulness "
                             "per file and in all (human format; see docs/report.md)")
    checks.add_argument("--no-cache", action="store_true", help="do not use the result cache")
    checks.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                        help="worker processes for uncached files (default: one per core)")
    fixing = parser.add_argument_group("fixing")
    fixing.add_argument("--fix", action="store_true",
                        help="sync docstrings to the code where a finding can be fixed "
                             "offline (review each change, or --yes / --diff)")
    fixing.add_argument("--yes", "-y", action="store_true", help="with --fix: apply at once")
    fixing.add_argument("--diff", action="store_true",
                        help="with --fix: print the diff on stdout (findings go to stderr); "
                             "write nothing")


def _parser() -> argparse.ArgumentParser:
    parser = new_parser("llm-doc validate", DESCRIPTION)
    configure(parser)
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
        The exit code: 0 clean, 1 findings, 2 usage or configuration error, 130 interrupted.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else USAGE
    return run(args)


def run(args: argparse.Namespace) -> int:  # noqa: LD341 - one flow, errors caught inside
    """Run ``llm-doc validate`` with parsed arguments.

    Args:
        args: What ``configure``'s options parsed.

    Returns:
        The exit code: 0 clean, 1 findings, 2 usage or configuration error, 130 interrupted.
    """
    environ = dict(os.environ)
    paths: list[Path] = args.paths or [Path(".")]
    walked: list[Finding] = []  # links leaving the folders given, ignore patterns not applied
    try:
        stdin_path = stdin_target(args.paths, args.stdin_filename)
        if args.yes and args.diff:
            raise ConfigError("--yes and --diff cannot be combined")
        if (args.yes or args.diff) and not args.fix:
            raise ConfigError("--yes and --diff go with --fix")
        if args.stats and args.format != "human":
            raise ConfigError("--stats prints a table: it goes with --format human")
        settings = load_settings(
            stdin_path or paths[0], {"width": args.width, "all_defs": args.all_defs,
                                     "exclude": flag_list(args.exclude),
                                     "extend_exclude": flag_list(args.extend_exclude),
                                     "force_exclude": args.force_exclude},
            environ, args.config)
        for notice in settings.notices:  # even with -q: the run differs from the file
            print(notice, file=sys.stderr)
        baseline: Path | None = args.baseline or settings.baseline
        if args.write_baseline and baseline is None:
            raise ConfigError("--write-baseline needs --baseline FILE (or baseline in "
                              "[tool.llm-doc])")
        if baseline is not None and not args.write_baseline and not baseline.is_file():
            # A typo in the name must not turn the baseline off and fail every old finding,
            # nor silently pass: say so (--write-baseline creates it).
            raise ConfigError(f"{baseline}: no such baseline file (create it with "
                              "--write-baseline)")
        if args.since is not None and stdin_path is not None:
            raise ConfigError("--since needs files: it cannot be combined with '-' (stdin)")
        if args.since is not None and args.write_baseline:
            raise ConfigError("--write-baseline records every finding: it cannot be "
                              "combined with --since")
        since = None
        if stdin_path is None:
            files = iter_files(paths, settings.excluded, force_exclude=settings.force_exclude,
                               root=settings.root, problems=walked)
            since = changes_since(args.since, paths) if args.since is not None else None
            if since is not None:  # unchanged files are not even read
                files = [path for path in files if since.of(path) is not None]
        # Flags win over [tool.llm-doc]; the two lists are not merged (--extend-select adds).
        table = f"{settings.config_file}: [tool.llm-doc]"
        select = _codes(args.select, "--select") if args.select else \
            _codes(settings.select, f"{table} select")
        extend = _codes(args.extend_select, "--extend-select") + \
            _codes(settings.extend_select, f"{table} extend-select")
        if select:  # nothing selected means every code: extending it changes nothing
            select += extend
        ignore = _codes(args.ignore, "--ignore") if args.ignore else \
            _codes(settings.ignore, f"{table} ignore")
    except (ConfigError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE
    if args.verbose:
        print(describe_config(settings.config_file, settings.width, settings.width_from),
              file=sys.stderr)
        print(describe_check_width(settings), file=sys.stderr)
    if stdin_path is not None:
        return _from_stdin(stdin_path, settings, args, select, ignore)
    use_cache = settings.cache and not args.no_cache
    findings = walked + collect(files, settings, settings.all_defs, use_cache, args.jobs,
                                since)
    if args.fix:
        fixable = [f for f in findings if f.code in FIXABLE and _selected(f.code, select, ignore)]
        status = _fix(fixable, settings, args)
        if status is not None:
            return status
        if not args.diff:
            changed = sorted({f.path for f in fixable})
            done = set(changed)
            if since is not None and changed:  # the fixes moved lines: read them again
                try:
                    since = changes_since(since.rev, paths)
                except ConfigError as exc:
                    print(f"error: {exc}", file=sys.stderr)
                    return USAGE
            findings = [f for f in findings if f.path not in done] + collect(
                changed, settings, settings.all_defs, use_cache, args.jobs, since)
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
            return USAGE
    # With --fix --diff, stdout carries the diff alone (for `git apply`); findings go aside.
    stream = sys.stderr if args.fix and args.diff else sys.stdout
    stream.write(render(findings, args.format, color=use_color(args.color, stream, environ)))
    if args.stats:
        from llm_doc_manager.validate.stats import file_metrics, render_stats, render_styles

        styles: Counter[str] = Counter()
        measured = file_metrics(files, settings.placeholder, styles)
        stream.write(("\n" if findings else "") + render_stats(measured) +
                     render_styles(styles))
    if not args.quiet and args.format == "human":
        files_hit = len({f.path for f in findings})
        seen = len(files) + len({f.path for f in walked})  # + links and .gitignore files
        print(f"{plural(len(findings), 'finding')} in {files_hit} of {plural(seen, 'file')}"
              if findings else f"{plural(len(files), 'file')} checked, no findings",
              file=sys.stderr)
    return FINDINGS if findings and not args.exit_zero else 0


def _from_stdin(path: Path, settings: Settings, args: argparse.Namespace,
                select: tuple[str, ...], ignore: tuple[str, ...]) -> int:
    """Check (and with --fix, fix) code read from stdin, reported as ``path``.

    Without --fix the findings go to stdout; with --fix the fixed code goes to stdout and
    the findings left to stderr (ruff's convention for editors).
    """
    raw = sys.stdin.buffer.read()
    if settings.force_exclude and is_excluded(path, settings.excluded, settings.root):
        if args.fix:
            sys.stdout.buffer.write(raw)
        return 0
    with tempfile.TemporaryDirectory(prefix="llm-doc-stdin-") as folder:
        copy = stdin_copy(folder, path, raw)
        findings = collect([copy], settings, settings.all_defs, False, 1)
        if args.fix:
            fixable = [f for f in findings if f.code in FIXABLE and
                       _selected(f.code, select, ignore)]
            fix_args = argparse.Namespace(**{**vars(args), "yes": True, "diff": False,
                                             "quiet": True})
            status = _fix(fixable, settings, fix_args)
            if status is not None:
                return status
            findings = collect([copy], settings, settings.all_defs, False, 1)
            sys.stdout.buffer.write(copy.read_bytes())
            sys.stdout.flush()
        findings = sorted(replace(f, path=path) for f in findings
                          if _selected(f.code, select, ignore))
    stream = sys.stderr if args.fix else sys.stdout
    stream.write(render(findings, args.format, color=use_color(args.color, stream,
                                                                 os.environ)))
    return FINDINGS if findings and not args.exit_zero else 0


def _fix(findings: list[Finding], settings: Settings, args: argparse.Namespace) -> int | None:
    """``--fix``: validate's owners, generate's offline pipeline, generate's apply path.

    Args:
        findings: The fixable findings selected.
        settings: The run's settings.
        args: The parsed options (``--yes``, ``--diff``, ``--quiet``, ``--color``).

    Returns:
        An exit code when the run ends here (changes left pending, or interrupted), else
        None: validate goes on and reports what is left.
    """
    # Imported here: rich, pydantic and the pipeline are for --fix only.
    from llm_doc_manager.cli.apply import Report, WriteBack, apply_changes, summary_line
    from llm_doc_manager.cli.console import consoles
    from llm_doc_manager.docstrings.exempt import Scope
    from llm_doc_manager.generate import Options, run_files
    from llm_doc_manager.providers.static import StaticProvider

    by_file: dict[Path, set[int]] = {}
    for finding in findings:
        by_file.setdefault(finding.path, set()).add(finding.line)
    only = {path: owners(path, lines) for path, lines in by_file.items()}
    if not only:
        return None
    options = Options(width=settings.width, all_defs=True, only=only,
                      placeholder=settings.placeholder, types=settings.types,
                      style=settings.style, conventions=settings.conventions,
                      scope=Scope.from_settings(settings))
    results = asyncio.run(run_files(sorted(only), StaticProvider(settings.placeholder), options,
                                    jobs=os.cpu_count() or 1))
    out, err = consoles(use_color(args.color, sys.stdout, os.environ),
                        use_color(args.color, sys.stderr, os.environ))
    report = Report()
    changes = report.add(results)
    mode = WriteBack.DIFF if args.diff else WriteBack.YES if args.yes else WriteBack.REVIEW
    apply_changes(changes, mode, out, err, report, quiet=args.quiet,
                  hint="Use --fix --yes to apply the fixes, or --fix --diff to see them.")
    for problem in sorted(report.findings):
        err.print(problem.render())
    if report.interrupted:
        return INTERRUPTED
    if report.pending:
        return FINDINGS
    if not args.diff and not args.quiet:
        err.print("fix: " + summary_line(report, "changed"))
    return None
