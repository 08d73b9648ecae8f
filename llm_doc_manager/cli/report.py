"""``llm-doc report``: one Markdown (or JSON) document of a folder or a git repository."""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
from pathlib import Path

from llm_doc_manager.cli.args import FINDINGS, USAGE

DESCRIPTION = (
    "Write one document of a folder or a repository URL: a table of contents, an overview "
    "(size, docstring coverage, most complex functions, entry points), and per file its "
    "summary, recent changes (git), a table of its classes and functions with complexity "
    "and callers/callees, a section per definition and the source. The code is read, never "
    "run. A URL (https://, ssh://, user@host:path, file://) is cloned into a temporary "
    "folder that is removed afterwards. Exit 0 written, 1 some files could not be analysed "
    "or the clone failed, 2 usage error.")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``report``'s arguments to ``parser``."""
    parser.add_argument("source", metavar="PATH_OR_URL", help="a folder or a repository URL")
    output = parser.add_argument_group("output")
    output.add_argument("-o", "--output", default="-", metavar="FILE",
                        help="where to write the document ('-': standard output, the "
                             "default)")
    output.add_argument("--format", choices=("md", "json"), default="md",
                        help="Markdown (default) or JSON")
    output.add_argument("--no-source", action="store_true",
                        help="leave the files' source out")
    output.add_argument("--history", type=int, default=5, metavar="N",
                        help="newest commits shown per file (default 5; 0: none)")
    output.add_argument("--timestamp", action="store_true",
                        help="print today's date in the metadata (runs then differ by date)")
    where = parser.add_argument_group("input")
    where.add_argument("--exclude", action="append", metavar="PATTERNS",
                       help="skip these gitignore-style patterns, comma-separated")
    where.add_argument("--depth", type=int, default=100, metavar="N",
                       help="commits to fetch when cloning a URL (default 100; 0: all)")
    where.add_argument("--ref", metavar="REF",
                       help="branch, tag or commit to check out when cloning a URL")


def run(args: argparse.Namespace) -> int:
    """Run ``llm-doc report``."""
    from llm_doc_manager.config import flag_list
    from llm_doc_manager.report import collect
    from llm_doc_manager.report.origin import OriginError, check, checkout
    from llm_doc_manager.report.render import Options, as_json, markdown

    if args.history < 0 or args.depth < 0:
        print("llm-doc report: error: --history and --depth must be 0 or more",
              file=sys.stderr)
        return USAGE
    try:
        origin = check(args.source)
        with checkout(origin, args.depth, args.ref) as folder:
            name = origin.shown.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git") \
                if origin.url is not None else None
            project = collect(folder, flag_list(args.exclude) or (), args.history, name)
    except OriginError as exc:
        print(f"llm-doc report: {'error: ' if exc.usage else ''}{exc}", file=sys.stderr)
        return USAGE if exc.usage else FINDINGS
    options = Options(source=not args.no_source,
                      generated=datetime.date.today().isoformat() if args.timestamp else None,
                      origin=origin.shown if origin.url is not None else "")
    document = as_json(project, options) if args.format == "json" else markdown(project, options)
    failed = [f for f in project.files if f.error]
    for report in failed:
        print(f"{report.path}:{report.error_line}: not analysed: {report.error}",
              file=sys.stderr)
    for path, why in project.skipped:
        print(f"{path}: skipped: {why}", file=sys.stderr)
    if args.output == "-":
        sys.stdout.write(document)
        sys.stdout.flush()
    else:
        _write(Path(args.output), document)
    return FINDINGS if failed else 0


def _write(path: Path, text: str) -> None:
    """Write the whole document or nothing (a temporary file renamed into place)."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
