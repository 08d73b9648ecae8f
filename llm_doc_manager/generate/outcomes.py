"""What a generate run produces: per-region and per-file outcomes, as data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol

from llm_doc_manager import codes
from llm_doc_manager.analysis.markers import Kind
from llm_doc_manager.codes import Finding
from llm_doc_manager.config import DEFAULT_WIDTH, PLACEHOLDER
from llm_doc_manager.docstrings.exempt import Scope
from llm_doc_manager.docstrings.sync import EntryChanges
from llm_doc_manager.docstrings.truth import Dropped
from llm_doc_manager.generate.edits import Edit, apply_edits, verify_against
from llm_doc_manager.source.files import SourceFile


@dataclass(frozen=True)
class Options:
    """What the pipeline needs from the settings.

    Attributes:
        width: Maximum docstring line width, indentation included.
        only_missing: Leave existing docstrings and comments alone.
        all_defs: Treat every def and class as marked.
        placeholder: The visible text written where only a person or a model can write
            prose; an existing one is filled when a provider offers text.
        rewrite: Let a provider that may replace human text revise existing docstrings
            (by default only what is missing is added).
        only: When set, only the defs and classes whose keyword is on one of these lines of
            that file, and the module when 0 is (``validate --fix``, ``--since``).
        types: Whether new entries carry types: ``auto`` (as the project does), ``always``
            or ``never``.
        style: The style new docstrings are written in: ``auto`` (the project's
            majority), ``google``, ``numpy`` or ``sphinx``.
        conventions: ``learn`` the project's docstring conventions, or use the ``default``.
        scope: What ``all_defs`` covers besides public top-level definitions.
    """

    width: int = DEFAULT_WIDTH
    only_missing: bool = False
    all_defs: bool = False
    placeholder: str = PLACEHOLDER
    rewrite: bool = False
    only: Mapping[Path, frozenset[int]] | None = None
    types: str = "auto"
    style: str = "auto"
    conventions: str = "learn"
    scope: Scope = field(default_factory=Scope)


class Status(str, Enum):
    """Outcome of one region."""

    GENERATED = "generated"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FOREIGN = "foreign"  # a docstring in no style the tool reads (Epytext), left as it is
    FAILED = "failed"


@dataclass(frozen=True)
class RegionResult:
    """Outcome of one region.

    Attributes:
        qualname: What was documented (``Class.method``, ``<module>``).
        line: Line of its def/class keyword (first statement of a comment block).
        kind: What was asked for: a function, class, module docstring or a comment.
        status: Generated, updated, unchanged or failed.
        edits: Text edits (empty unless generated or updated).
        expected: Docstring values the edits must produce.
        message: Why it failed, when it did.
        code: The finding code of a failure (LD201 provider, LD004 safety check).
        settled: The docstring value or comment text the edits leave: what the next run
            will read as current.
        entries: What the edits did with entries of arguments that left the signature
            (renamed, removed, kept for a person).
        dropped: The parts of a model's answer the gate refused (see ``docstrings.truth``).
    """

    qualname: str
    line: int
    kind: Kind
    status: Status
    edits: tuple[Edit, ...] = ()
    expected: tuple[str, ...] = ()
    message: str = ""
    code: str = ""
    settled: str | None = None
    entries: EntryChanges = field(default_factory=EntryChanges)
    dropped: tuple[Dropped, ...] = ()


@dataclass(frozen=True)
class FileChange:
    """A file that was processed (some of its regions may have failed).

    Attributes:
        source: The file as read.
        regions: Per-region outcomes, in source order; the edits of the successful ones were
            verified together.
    """

    source: SourceFile
    regions: tuple[RegionResult, ...]

    @property
    def changed(self) -> bool:
        """Whether the file would change."""
        return any(r.edits for r in self.regions)

    @property
    def new_text(self) -> str:
        """The text with every successful region applied (the combination verified).

        Rebuilt from the edits when asked: a run holds each file's text and edits until
        the write, not a second copy of every file.
        """
        return apply_edits(self.source.text, [e for r in self.regions for e in r.edits])

    @property
    def findings(self) -> list[Finding]:
        """One finding per failed region."""
        return [Finding(self.source.path, r.line, 1, r.code or codes.PROVIDER_FAILED,
                        f"{r.qualname}: {r.message}")
                for r in self.regions if r.status is Status.FAILED]

    def preview(self, region: RegionResult) -> str:
        """The text with only one region applied, unverified: for showing its diff."""
        return apply_edits(self.source.text, region.edits)

    def text_with(self, accepted: Sequence[RegionResult]) -> str:  # noqa: LD342 - raised by a callee
        """The text with only some regions applied, verified like the whole.

        Args:
            accepted: The regions to apply.

        Returns:
            The new text.

        Raises:
            ApplyError: If that combination does not pass verification.
        """
        with_edits = [r for r in accepted if r.edits]
        if len(with_edits) == sum(1 for r in self.regions if r.edits):
            return self.new_text  # everything: verified when it was built
        text = apply_edits(self.source.text, [e for r in with_edits for e in r.edits])
        verify_against(self.source.text, text, [v for r in with_edits for v in r.expected])
        return text


@dataclass(frozen=True)
class FileError:
    """A file that could not be processed at all; it is left untouched.

    Attributes:
        path: The file, as given.
        findings: Why it could not be processed (LD001, LD002, LD005, marker problems).
    """

    path: Path
    findings: tuple[Finding, ...]


FileResult = FileChange | FileError


class RunObserver(Protocol):
    """Told what a run is doing (the CLI draws a progress bar or prints plain lines)."""

    def planned(self, path: Path, regions: int) -> None:
        """A file was planned; ``regions`` of its regions will be asked for."""

    def answered(self, failed: bool) -> None:
        """One region got its answer, or failed."""

    def finished(self, result: FileResult) -> None:
        """One file is done."""
