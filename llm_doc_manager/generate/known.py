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

#: Bump when what generate writes changes within a version, so old results are not reused.
GENERATE_VERSION = 2
RESULTS_FILE = f"generate-v{GENERATE_VERSION}.sqlite3"


#: Region outcomes a later run with the same input repeats exactly.
_SETTLED = frozenset({Status.UNCHANGED, Status.FOREIGN})


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
                                     options.placeholder]).encode()

    def key(self, source: SourceFile) -> str:
        """The key of one file: its content (SHA-256) and where it is.

        The place counts because a module's name comes from its path (an ``__init__.py``
        is named after its folder).
        """
        where = str(source.path.resolve()).encode("utf-8", "surrogateescape")
        return hashlib.sha256(self._signature + source.digest + b"\0" + where).hexdigest()

    def lookup(self, sources: Sequence[SourceFile]) -> dict[str, FileChange]:
        """Return, by path, an unchanged result for each file known to be clean."""
        keys = {self.key(source): source for source in sources}
        found: dict[str, FileChange] = {}
        for key, value in self._store.get_many(list(keys)).items():
            source = keys[key]
            regions = tuple(RegionResult(qualname, line, Kind(kind), Status(status))
                            for qualname, line, kind, status in json.loads(value))
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
