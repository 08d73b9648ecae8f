"""Files an offline run found nothing to change in, by content: the next run skips them."""

from __future__ import annotations

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
        self._signature = json.dumps([__version__, GENERATE_VERSION, code_fingerprint(),
                                      provider, options.width,
                                     options.only_missing, options.all_defs,
                                     options.placeholder, options.scope.private,
                                     options.scope.nested]).encode()

    def key(self, source: SourceFile) -> str:
        """The key of one file: its content (SHA-256) and where it is.

        The place counts because a module's name comes from its path (an ``__init__.py``
        is named after its folder).
        """
        where = str(source.path.resolve()).encode("utf-8", "surrogateescape")
        return hashlib.sha256(self._signature + source.digest + b"\0" + where).hexdigest()

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
