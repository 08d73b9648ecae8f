"""Progress of a model run: a rich bar on a terminal, plain lines otherwise."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from llm_doc_manager.codes import visible
from llm_doc_manager.generate import FileError, FileResult, Status
from llm_doc_manager.providers.base import Usage


class Tally:
    """Counts shared by every progress display (and the interrupt summary).

    Args:
        usage: The provider's counters (requests, tokens, cache hits).

    Attributes:
        usage: The provider's counters (requests, tokens, cache hits).
        total: Regions to ask for, so far.
        done: Regions answered or failed.
        failed: Regions that failed.
        files: Files finished.
    """

    def __init__(self, usage: Usage) -> None:
        self.usage = usage
        self.total = 0
        self.done = 0
        self.failed = 0
        self.files = 0

    def planned(self, path: Path, regions: int) -> None:
        """Count a planned file's regions."""
        del path
        self.total += regions

    def answered(self, failed: bool) -> None:
        """Count one answered region."""
        self.done += 1
        self.failed += failed

    def finished(self, result: FileResult) -> None:
        """Count one finished file."""
        del result
        self.files += 1

    def __enter__(self) -> Tally:
        """Start showing progress (nothing to set up for counts alone)."""
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Stop showing progress."""

    def line(self) -> str:
        """Describe the counts in one line."""
        u = self.usage
        return (f"{self.done}/{self.total} regions, {self.failed} failed, "
                f"{u.cache_hits} from cache, {u.requests} requests, "
                f"{u.prompt_tokens + u.completion_tokens} tokens")


class PlainProgress(Tally):
    """One line per finished file (for logs and CI, where a bar would be noise).

    Args:
        usage: The provider's counters.
        console: Where lines go.

    Attributes:
        console: Where lines go.
    """

    def __init__(self, usage: Usage, console: Console) -> None:
        super().__init__(usage)
        self.console = console

    def finished(self, result: FileResult) -> None:
        """Print the file and the running counts."""
        super().finished(result)
        if isinstance(result, FileError):
            note = "not processed"
        else:
            failed = sum(r.status is Status.FAILED for r in result.regions)
            note = f"{len(result.regions)} regions" + (f", {failed} failed" if failed else "")
        path = result.path if isinstance(result, FileError) else result.source.path
        self.console.print(f"[{self.line()}] {visible(str(path))}: {note}", highlight=False,
                           markup=False)


class BarProgress(Tally):
    """A live rich bar: regions done/total, failures, cache hits, tokens.

    Args:
        usage: The provider's counters.
        console: The terminal console.

    Attributes:
        bar: The live rich display.
        task: The bar's task.
    """

    def __init__(self, usage: Usage, console: Console) -> None:
        super().__init__(usage)
        self.bar = Progress(TextColumn("documenting"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[extra]}"), TimeElapsedColumn(),
                            console=console, transient=True)
        self.task = self.bar.add_task("regions", total=0, extra="")

    def _refresh(self) -> None:
        u = self.usage
        extra = (f"{self.failed} failed, {u.cache_hits} cached, "
                 f"{u.prompt_tokens + u.completion_tokens} tokens")
        self.bar.update(self.task, total=self.total, completed=self.done, extra=extra)

    def planned(self, path: Path, regions: int) -> None:
        """Grow the total."""
        super().planned(path, regions)
        self._refresh()

    def answered(self, failed: bool) -> None:
        """Advance the bar.

        Args:
            failed: Whether the region failed.
        """
        super().answered(failed)
        self._refresh()

    def __enter__(self) -> BarProgress:
        """Start the live display."""
        self.bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Stop the live display (the bar is transient: the summary follows alone)."""
        self.bar.stop()
