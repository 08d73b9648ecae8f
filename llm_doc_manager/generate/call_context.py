"""What a function's prompt is told about its calls: its callees and a few of its callers.

Built from the project's call graph (``callgraph``): the signature of each definition the
function calls (resolved calls only: a guess would make the model write something untrue)
and of a few definitions that call it, each with its docstring's summary line when that
line is *settled* — what the file will hold after this run:

- a definition this run does not document keeps its docstring: its summary is settled;
- a definition this run documents is settled once its own answer is in. Its callers are
  therefore asked after it (callees first, ``CallGraph.order``); members of one cycle cannot
  wait for each other and see each other's signature only, and so do callees, which are
  asked after their callers.

The shown text is thus the same on a re-run over what this run wrote, so a re-run finds
every answer in the cache (the invariant ``context.py`` states for the region's own code).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from llm_doc_manager.analysis import DefNode
from llm_doc_manager.callgraph import CallGraph, DefKey, key_of, load_project, project_root

#: What the call context may add to a prompt, in characters (``call-context``).
DEFAULT_CHARS = 2000
#: How many callers are shown at most (``call-context-callers``).
DEFAULT_CALLERS = 3
# One entry (a long signature with its summary) is cut here so that one cannot fill the
# whole budget.
_ENTRY_LIMIT = 300
_CALLEES = "Calls (signature: summary):"
_CALLERS = "Called by:"


@dataclass(frozen=True)
class Links:
    """Whom one definition calls and who calls it, by resolved calls.

    Attributes:
        callees: What it calls, in the order of the first call of each; itself left out.
        callers: Who calls it: same file first, tests last, then by place; itself left out.
        recursive: Whether it calls itself.
    """

    callees: tuple[DefKey, ...]
    callers: tuple[DefKey, ...]
    recursive: bool


class CallContext:
    """The call graph of a run's project and the budget of what prompts are shown from it.

    Args:
        graph: The project's call graph.
        chars: Most characters added to one prompt.
        callers: Most callers shown.
        files: How many files the graph holds (for ``-v``).
        seconds: How long indexing took (for ``-v``).

    Attributes:
        graph: The call graph.
        chars: Most characters added to one prompt.
        callers: Most callers shown.
        files: How many files the graph holds.
        seconds: How long indexing took.
    """

    def __init__(self, graph: CallGraph, chars: int = DEFAULT_CHARS,
                 callers: int = DEFAULT_CALLERS, files: int = 0, seconds: float = 0.0) -> None:
        self.graph = graph
        self.chars = chars
        self.callers = callers
        self.files = files
        self.seconds = seconds
        self._rank: dict[DefKey, int] | None = None

    def key_for(self, path: Path, node: DefNode) -> DefKey | None:
        """The graph's key of a def or class of a file (None when the graph lacks it)."""
        key = self.graph.definition_at(key_of(path), node.lineno)
        if key is None:
            return None
        found = self.graph.definition(key)
        # The graph read the file before the run did: a file edited in between is not
        # guessed at.
        return key if (found.name, found.line) == (node.name, node.lineno) else None

    def before(self, callee: DefKey, caller: DefKey) -> bool:
        """Whether ``callee`` comes strictly before ``caller`` in the callees-first order.

        A caller waits only for what comes strictly before it, so waits never form a
        cycle, whatever calls the order leaves out.
        """
        if self._rank is None:
            self._rank = {key: number for number, group in enumerate(self.graph.order())
                          for key in group}
        return self._rank.get(callee, -1) < self._rank.get(caller, -1)

    def links(self, key: DefKey) -> Links:
        """The resolved callees and callers of a definition."""
        callees: dict[DefKey, None] = {}
        recursive = False
        for call in self.graph.outgoing(key, inferred=False):
            if call.callee is None or call.resolution != "resolved":
                continue
            if call.callee == key:
                recursive = True
            else:
                callees.setdefault(call.callee)
        callers: dict[DefKey, None] = {}
        incoming = self.graph.incoming(key, inferred=False)
        # Callers in the same file first, tests last: the code that uses a function tells
        # most about what it is for (the sort is stable: by place within each group).
        for call in sorted(incoming, key=lambda c: (c.path != key[0], _is_test(c.path))):
            if call.caller is not None and call.caller != key and \
                    call.resolution == "resolved":
                callers.setdefault(call.caller)
        return Links(tuple(callees), tuple(callers)[:self.callers], recursive)

    def entry(self, key: DefKey, summary: str | None) -> str:
        """One line: the qualified signature, and the summary when there is one."""
        definition = self.graph.definition(key)
        where = self.graph.qualname(key)
        if definition.kind == "class":
            head = f"class {where}{definition.after_name}"
        else:
            head = ("async " if definition.signature.startswith("async ") else "") + \
                f"{where}{definition.after_name}"
        line = f"- {head}: {summary}" if summary else f"- {head}"
        return line if len(line) <= _ENTRY_LIMIT else line[:_ENTRY_LIMIT - 3] + "..."

    def render(self, links: Links, summary: Callable[[DefKey, bool], str | None]) -> str:
        """The call context of one definition, within the budget.

        Args:
            links: Its callees and callers.
            summary: The settled summary of a callee (True) or caller (False), or None to
                show its signature only.

        Returns:
            The lines to add to the prompt's context ("" when there is nothing to say).
        """
        callers = [self.entry(k, summary(k, False)) for k in links.callers]
        callees = [self.entry(k, summary(k, True)) for k in links.callees]
        lines: list[str] = []
        if links.recursive:
            lines.append("It calls itself (recursion).")
        # Callers are few and bounded by count; callees take the rest of the budget.
        room = self.chars - sum(len(line) + 1 for line in lines) - (
            sum(len(line) + 1 for line in callers) + len(_CALLERS) + 1 if callers else 0)
        lines += _fitted(_CALLEES, callees, room)
        if callers:
            lines += _fitted(_CALLERS, callers, self.chars - sum(len(x) + 1 for x in lines))
        return "\n".join(lines)


def _is_test(path: str) -> bool:
    """Whether a file is a test module by the usual names (pytest's and unittest's)."""
    name = os.path.basename(path)
    return name.startswith("test_") or name.endswith("_test.py") or \
        any(part in ("test", "tests") for part in Path(path).parts[:-1])


def _fitted(header: str, entries: Sequence[str], room: int) -> list[str]:
    """A header and as many entries as fit in ``room`` characters, and how many did not."""
    if not entries:
        return []
    more = f"- ... and {len(entries)} more"  # the longest the closing line can be
    used = len(header) + 1
    kept: list[str] = []
    for number, entry in enumerate(entries):
        last = number == len(entries) - 1
        if used + len(entry) + 1 + (0 if last else len(more) + 1) > room:
            break
        kept.append(entry)
        used += len(entry) + 1
    if not kept:
        return []
    left = len(entries) - len(kept)
    return [header, *kept, *([f"- ... and {left} more"] if left else [])]


def load_call_context(files: Sequence[Path], given: Sequence[Path], exclude: Sequence[str],
                      root: Path, cache: Path | None, chars: int = DEFAULT_CHARS,
                      callers: int = DEFAULT_CALLERS) -> CallContext:
    """Index the project around a run's files and build their call context.

    Args:
        files: The run's files (always indexed).
        given: The paths named on the command line (their projects are indexed too, so
            callees in other modules are known).
        exclude: Patterns to skip (the run's ``exclude``).
        root: The folder the patterns are relative to.
        cache: The index cache database, or None.
        chars: Most characters added to one prompt.
        callers: Most callers shown.

    Returns:
        The call context. Files the graph cannot read or parse are left out of it (the
        run reports them).
    """
    started = time.perf_counter()
    roots = sorted({project_root(path) for path in given})
    project = load_project([*roots, *files], exclude, root=root, cache=cache)
    return CallContext(project.graph, chars, callers, len(project.paths),
                       time.perf_counter() - started)
