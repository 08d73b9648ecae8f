"""Files an offline run found nothing to change in, by content: the next run skips them."""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Sequence

from llm_doc_manager import __version__
from llm_doc_manager.analysis.markers import Kind
from llm_doc_manager.generate.outcomes import FileChange, FileResult, Options, RegionResult, Status
from llm_doc_manager.source.files import SourceFile
from llm_doc_manager.store import ResultStore, code_fingerprint

#: Bump when what generate writes changes within a version, so old results are not reused
#: (3: the store's schema gained sizes and a byte cap).
GENERATE_VERSION = 3
RESULTS_FILE = f"generate-v{GENERATE_VERSION}.sqlite3"


#: Region outcomes a later run with the same input repeats exactly.
_SETTLED = frozenset({Status.UNCHANGED, Status.FOREIGN})
_SETTLED_NAMES = frozenset(status.value for status in _SETTLED)
_KINDS = frozenset(kind.value for kind in Kind)


def _regions(value: str) -> tuple[RegionResult, ...] | None:
    """The regions of a stored value, or None when it is not a list of settled regions."""
    try:
        rows = json.loads(value)
    except (ValueError, TypeError, RecursionError):
        return None
    if type(rows) is not list:
        return None
    regions = []
    for row in rows:
        if type(row) is not list or len(row) != 4 or type(row[0]) is not str \
                or type(row[1]) is not int or row[2] not in _KINDS or row[3] not in _SETTLED_NAMES:
            return None
        regions.append(RegionResult(row[0], row[1], Kind(row[2]), Status(row[3])))
    return tuple(regions)


class KnownClean:
    """Which file contents a provider and these options leave unchanged.

    Only complete answers are kept: a file every region of which came out unchanged. The key
    holds the file's bytes and place, the tool version, the provider and every option that
    shapes the output, so a change to any of them is a miss.

    Args:
        store: Where results live (``ResultStore(None)`` for none).
        provider: The provider's name.
        options: The run's options.
    """

    def __init__(self, store: ResultStore[str], provider: str, options: Options) -> None:
        self._store = store
        self._all_defs = options.all_defs
        self._signature = json.dumps([__version__, GENERATE_VERSION, code_fingerprint(),
                                      provider, options.width,
                                     options.only_missing, options.all_defs,
                                     options.placeholder, options.scope.private,
                                     options.scope.nested]).encode()

    def key(self, source: SourceFile, digest: bytes | None = None) -> str:
        """The key of one file: its content (SHA-256) and where it is.

        The place counts because a module's name comes from its path (an ``__init__.py``
        is named after its folder). ``digest`` stands for other content at the same place.
        """
        where = str(source.path.resolve()).encode("utf-8", "surrogateescape")
        content = source.digest if digest is None else digest
        return hashlib.sha256(self._signature + content + b"\0" + where).hexdigest()

    def lookup(self, sources: Sequence[SourceFile]) -> dict[str, FileChange]:
        """Return, by path, an unchanged result for each file known to be clean.

        A stored value that is not exactly what ``remember`` writes is a miss.
        """
        keys = {self.key(source): source for source in sources}
        found: dict[str, FileChange] = {}
        for key, value in self._store.get_many(list(keys)).items():
            regions = _regions(value)
            if regions is not None:
                source = keys[key]
                found[str(source.path)] = FileChange(source, regions)
        return found

    def remember(self, results: Sequence[FileResult]) -> None:
        """Keep the files that came out entirely unchanged."""
        rows = []
        for result in results:
            if isinstance(result, FileChange) and not result.changed and all(
                    r.status in _SETTLED for r in result.regions):
                regions = [[r.qualname, r.line, r.kind.value, r.status.value]
                           for r in result.regions]
                rows.append((self.key(result.source), json.dumps(regions)))
        self._store.put_many(rows)

    def remember_written(self, written: Sequence[tuple[FileChange, bytes]]) -> None:
        """Keep files as written: every region applied, the SHA-256 of the bytes written.

        What a run writes is a fixed point (the golden and stdlib round-trip tests run it
        again and see no change; tests/generate/test_known_written_s6.py checks the stored
        answer against a run without the cache), so a ``--check`` right after the write is
        answered here. A file with a failed region is not kept: the next run asks again.
        """
        rows = []
        for change, digest in written:
            regions = _settled_after(change, self._all_defs)
            if regions is not None:
                rows.append((self.key(change.source, digest), json.dumps(regions)))
        self._store.put_many(rows)


def _breaks(text: str, start: int = 0, end: int | None = None) -> int:
    """Line breaks in ``text[start:end]`` as CPython's tokenizer counts them (\\r\\n, \\r, \\n)."""
    stop = len(text) if end is None else end
    return (text.count("\n", start, stop) + text.count("\r", start, stop)
            - text.count("\r\n", start, stop))


def _settled_after(change: FileChange, all_defs: bool) -> list[list[str | int]] | None:
    """The stored regions a run on ``change``'s new text reports, or None if unsure.

    ``all_defs`` is the run's option: with it the module is asked on line 1.

    Each region comes out unchanged (a foreign one stays foreign). Its line is shifted by
    the line breaks the edits wholly above its line add or remove, not found by parsing
    the new text again: the edits are at hand, and a parse would cost as much as the
    floor the first run is measured against. An edit that spans the start of a region's
    line (none is known to) makes the answer unsure: the file is then not kept.
    """
    if any(r.status is Status.FAILED for r in change.regions):
        return None  # asked again next time
    text = change.source.text
    # Per edit, in order (edits never overlap): the line its start and its end fall on
    # (counted incrementally, so the text is scanned once), whether its end starts a line,
    # and the line breaks it adds.
    keys: list[tuple[int, int]] = []  # (end line, 0 if the end starts that line else 1)
    starts: list[int] = []
    moved = [0]  # line breaks added by the first i edits
    line, at = 1, 0
    for edit in sorted(e for r in change.regions for e in r.edits):
        start_line = line + _breaks(text, at, edit.start) - _split_crlf(text, at)
        line = start_line + _breaks(text, edit.start, edit.end) - _split_crlf(text, edit.start)
        at = edit.end
        line_start = edit.end == 0 or text[edit.end - 1] == "\n" or (
            text[edit.end - 1] == "\r" and not text.startswith("\n", edit.end))
        keys.append((line, 0 if line_start else 1))
        starts.append(start_line)
        moved.append(moved[-1] + _breaks(edit.replacement) - _breaks(text, edit.start, edit.end))
    rows: list[list[str | int]] = []
    for region in change.regions:
        above = bisect.bisect_left(keys, (region.line, 1))  # edits wholly above its line
        if above < len(starts) and starts[above] < region.line:
            return None  # the next edit spans the start of the region's line
        status = Status.FOREIGN if region.status is Status.FOREIGN else Status.UNCHANGED
        line = region.line + moved[above]
        if region.kind is Kind.MODULE and region.line == 1 and line != 1:
            # ``--all`` asks every module on line 1, whatever goes above; a marker on line
            # 1 would move: not sure which this is, unless the options say.
            if not all_defs:
                return None
            line = 1
        name = region.qualname
        if region.kind is Kind.COMM and name == _block_name(region.line):
            name = _block_name(line)  # a comment block is named after its line
        rows.append([name, line, region.kind.value, status.value])
    return rows


def _block_name(line: int) -> str:
    """The name a comment block on ``line`` has (``analysis.targets`` gives it)."""
    return f"<block at line {line}>"


def _split_crlf(text: str, at: int) -> int:
    """1 when ``at`` falls between a \\r and its \\n (that break was counted twice)."""
    return int(0 < at < len(text) and text[at - 1] == "\r" and text[at] == "\n")
