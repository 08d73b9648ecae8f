"""Gitignore matching with no backtracking blow-up: pathspec's answers in linear time.

pathspec turns each pattern into a regular expression for Python's backtracking ``re``;
one with several variable-length wildcards (``a/**/a/**/b``, ``*a*a*b``) can try every way
to share a long path among them, for minutes. Here such a pattern is compiled instead to a
small program of the same regular expression and run by a backtracking matcher that never
tries a (step, position) pair twice: the first match is the one ``re`` would find (same
order of choices), so the result, including which side of the final ``(?P<ps_d>/)|$`` was
taken, is the same, in at most (program length) x (path length + 1) steps. Patterns
without that risk keep pathspec's compiled expression (it runs in C).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import pathspec

#: Variable-length wildcards a pattern may hold, and how many of them may span folders,
#: for ``re`` to match it: pathspec's backtracking takes about (path length) ** (wildcards)
#: steps on a failing path. Measured on a 4 KB path: 2 wildcards of which 1 spans folders,
#: under 2 ms; ``a/**/a/**/b``, 80 s over a 2,000-deep chain of folders; ``*a*a*a*b``,
#: 10 s. A pattern over either limit is matched by :class:`_Program` instead.
MAX_WILDCARDS, MAX_SPANNING = 2, 1
#: The pieces of pathspec's regular expressions that match a variable length: within a
#: name (``*``, a ``*`` segment) and across folders (a leading or inner ``**``; a trailing
#: ``/**`` ends the expression and costs nothing).
_IN_NAME, _SPANNING, _PREFIX = ("[^/]*", "[^/]+"), ("(?:/.+)?",), "^(?:.+/)?"

#: The longest pattern matched as a :class:`_Program` (longer ones are refused): its work
#: is (steps) x (path length + 1), up to 2,054 x 4,097 pairs, 2 s, for one of 1,024
#: characters on a 4 KB path. Real patterns are a few dozen characters.
MAX_PROGRAM_CHARS = 1024

#: The steps the programs of one walk may take in all (about 5-10 s of Python on this
#: machine's class of CPU). Counted, not timed, so the outcome depends on the tree alone:
#: a program that would pass it is not applied from then on, and reported (LD008). Each
#: match is bounded, but a tree can hold thousands of deep paths and a folder a .gitignore
#: of its own: only a budget over the whole walk bounds the walk.
WALK_STEPS = 20_000_000

# The instructions of a program: (opcode, argument).
_CHAR, _SET, _NOT_SLASH, _DOT, _SPLIT, _JUMP, _END, _MATCH = range(8)
_Step = tuple[int, Any]


def wildcards(regex: str) -> tuple[int, int]:
    """The variable-length wildcards of pathspec's regex: all of them, and those spanning."""
    spanning = sum(regex.count(piece) for piece in _SPANNING)
    in_name = sum(regex.count(piece) for piece in _IN_NAME)
    # The any-folders prefix (``**/``, implied for a pattern without a slash) only restarts
    # the rest at each folder boundary: it multiplies the work only with another spanning
    # wildcard, so it counts then.
    if regex.startswith(_PREFIX) and spanning:
        spanning += 1
    return spanning + in_name, spanning


def _glob(segment: str, program: list[_Step]) -> None:
    """Append the steps of one glob segment, read as pathspec's ``_translate_segment_glob``."""
    i, end = 0, len(segment)
    while i < end:
        char = segment[i]
        i += 1
        if char == "\\":  # pathspec refused a trailing backslash before we get here
            program.append((_CHAR, segment[i]))
            i += 1
        elif char == "*":
            # ``[^/]*``, greedy: try one more character first, as ``re`` does.
            here = len(program)
            program.extend([(_SPLIT, (here + 1, here + 3)), (_NOT_SLASH, None),
                            (_JUMP, here)])
        elif char == "?":
            program.append((_NOT_SLASH, None))
        elif char == "[":
            j = i
            if j < end and segment[j] in "!^":
                j += 1
            if j < end and segment[j] == "]":
                j += 1
            while j < end and segment[j] != "]":
                j += 1
            # pathspec dropped the whole pattern when the bracket is not closed.
            negated = segment[i] in "!^"
            body = segment[i + negated:j + 1].replace("\\", "\\\\")
            # The very class ``re`` compiled within pathspec's expression (a negated one
            # matches "/" too, as there), tested on one character.
            with warnings.catch_warnings():  # "Possible nested set" for "[[:alpha:]]"
                warnings.simplefilter("ignore")
                program.append((_SET, re.compile("[" + "^" * negated + body).match))
            i = j + 1
        else:
            program.append((_CHAR, char))


class Budget:
    """The steps the programs of one walk may still take, and the patterns that ran out.

    Args:
        steps: The steps allowed in all (:data:`WALK_STEPS`).

    Attributes:
        left: Steps not yet taken.
        exhausted: ``(source, line number, line)`` of each pattern no longer applied.
    """

    def __init__(self, steps: int | None = None) -> None:
        self.left = WALK_STEPS if steps is None else steps
        self.exhausted: list[tuple[str, int, str]] = []


class _Program:
    """One gitignore pattern as the steps of pathspec's regular expression for it."""

    def __init__(self, pattern: str, number: int = 0) -> None:
        self.line, self.number, self.disabled = pattern, number, False
        text = pattern if pattern.endswith("\\ ") else pattern.rstrip()
        if text.startswith("!"):
            text = text[1:]
        segments = text.split("/")
        is_dir = not segments[-1]
        if not segments[0]:
            del segments[0]
        elif (len(segments) == 1 or (len(segments) == 2 and not segments[1])) \
                and segments[0] != "**":
            segments.insert(0, "**")
        if not segments[-1]:
            segments[-1] = "**"
        for k in range(len(segments) - 1, 0, -1):  # "**/**" is one "**"
            if segments[k - 1] == segments[k] == "**":
                del segments[k]
        program: list[_Step] = []
        last = len(segments) - 1
        need_slash = False
        for index, segment in enumerate(segments):
            here = len(program)
            if segment == "**" and index == 0:  # ^(?:.+/)?  (greedy: longest first)
                program.extend([(_SPLIT, (here + 1, here + 4)), (_DOT, None),
                                (_SPLIT, (here + 1, here + 3)), (_CHAR, "/")])
            elif segment == "**" and index < last:  # (?:/.+)?  then the "/" of the next
                program.extend([(_SPLIT, (here + 1, here + 4)), (_CHAR, "/"),
                                (_DOT, None), (_SPLIT, (here + 2, here + 4))])
                need_slash = True
            elif segment == "**":  # a trailing "/**": "/" then anything
                program.extend([(_CHAR, "/"), (_MATCH, is_dir)])
            else:
                if need_slash:
                    program.append((_CHAR, "/"))
                if segment == "*":  # [^/]+
                    start = len(program)
                    program.extend([(_NOT_SLASH, None), (_SPLIT, (start, start + 2))])
                else:
                    _glob(segment, program)
                if index == last:  # (?:(?P<ps_d>/)|$): the folder mark is tried first
                    end = len(program)
                    program.extend([(_SPLIT, (end + 1, end + 3)), (_CHAR, "/"),
                                    (_MATCH, True), (_END, None), (_MATCH, False)])
                need_slash = True
        self.steps = program

    def match(self, path: str, cap: int | None = None) -> tuple[bool | None, int]:
        """Whether the first match ``re`` finds took the folder mark (None: no match), and
        the steps taken; ``cap`` steps at most (-1 steps: the cap was reached, no answer).

        Depth-first in ``re``'s order of choices; a (step, position) pair already tried
        failed (every loop consumes a character, so none is on the current route), and is
        not tried again: each pair is tried at most once.
        """
        steps, size = self.steps, len(path) + 1
        tried = bytearray(len(steps) * size)
        stack = [(0, 0)]
        limit = cap if cap is not None else len(steps) * size * 2 + 1
        taken = 0
        while stack:
            taken += 1
            if taken > limit:
                return None, -1
            pc, pos = stack.pop()
            key = pc * size + pos
            if tried[key]:
                continue
            tried[key] = 1
            op, arg = steps[pc]
            if op == _SPLIT:
                stack.append((arg[1], pos))
                stack.append((arg[0], pos))  # on top: tried first
            elif op == _JUMP:
                stack.append((arg, pos))
            elif op == _MATCH:
                return bool(arg), taken
            elif op == _END:  # "$": the end, or before a final newline
                if pos == size - 1 or (pos == size - 2 and path[pos] == "\n"):
                    stack.append((pc + 1, pos))
            elif pos < size - 1:
                char = path[pos]
                if (char == arg if op == _CHAR else char != "/" if op == _NOT_SLASH
                        else char != "\n" if op == _DOT else arg(char) is not None):
                    stack.append((pc + 1, pos + 1))
        return None, taken


def _shown(line: str) -> str:
    """The line as a finding shows it: quoted, and cut after 80 characters."""
    text = line.strip()
    return repr(text) if len(text) <= 80 else repr(text[:80]) + "..."


class IgnoreSpec:
    """Gitignore lines matched as pathspec's ``GitIgnoreSpec`` matches them, in linear time.

    Each pattern keeps pathspec's compiled expression when ``re`` matches it fast, else runs
    as a :class:`_Program`; the last pattern matching wins, a direct match over one only
    through a folder (git's rule as pathspec implements it).
    """

    def __init__(self, patterns: Sequence[tuple[pathspec.Pattern, _Program | None]],
                 budget: Budget | None = None, source: str = "") -> None:
        self._patterns = list(reversed(patterns))
        self._budget = budget
        self._source = source

    @classmethod
    def from_lines(cls, lines: Iterable[str], *, always: bool = False,
                   budget: Budget | None = None, source: str = ""
                   ) -> tuple[IgnoreSpec, list[tuple[int, str]]]:
        """Compile gitignore lines; also return the lines that are not valid patterns.

        Args:
            lines: The lines of a .gitignore, or ``exclude`` patterns.
            always: Run every pattern as a program, not only those ``re`` could take
                long on (to compare the two).
            budget: The steps the programs of the walk may take in all (None: no cap
                beyond each match's own bound); a pattern that would pass it is no longer
                applied and is listed in ``budget.exhausted``.
            source: Where the lines come from, for ``budget.exhausted``.

        Returns:
            The spec, and ``(line number, why)`` for each line left out: one ``re``
            cannot compile (``[z-a]``), or over :data:`MAX_PROGRAM_CHARS` needing a
            program. A line pathspec finds invalid (``!`` alone, an unclosed ``[``)
            matches nothing, as in git, and is not listed.
        """
        kept: list[tuple[pathspec.Pattern, _Program | None]] = []
        refused: list[tuple[int, str]] = []
        for number, line in enumerate(lines, 1):
            try:
                with warnings.catch_warnings():
                    # "Possible nested set" and the like, for "[[:alpha:]]": a repository's
                    # text is no reason for Python's warnings (the suite makes them errors).
                    warnings.simplefilter("ignore")
                    parsed = pathspec.GitIgnoreSpec.from_lines([line]).patterns
                    if not parsed:  # a blank or comment line: pathspec 1.x keeps no pattern
                        continue
                    pattern = parsed[0]
                    regex = pattern.regex.pattern if pattern.regex is not None else ""
                    total, spanning = wildcards(regex)
                    costly = total > MAX_WILDCARDS or spanning > MAX_SPANNING
                    if costly and len(line) > MAX_PROGRAM_CHARS:
                        refused.append((number, f"pattern {_shown(line)} is too long to match "
                                                f"safely: {len(line)} characters with "
                                                f"{total} variable-length wildcards (at most "
                                                f"{MAX_PROGRAM_CHARS} characters with more "
                                                f"than {MAX_WILDCARDS})"))
                        continue
                    # pathspec's few fixed expressions ("**", "*/"...) are not anchored
                    # and have no wildcard: ``re`` keeps them.
                    program = _Program(line, number) if (costly or always) \
                        and regex.startswith("^") else None
            except re.error as error:  # "[z-a]": a range re refuses
                refused.append((number, f"pattern {_shown(line)} is not valid: {error}"))
                continue
            except ValueError:  # pathspec's GitIgnorePatternError
                continue
            if pattern.include is not None:
                kept.append((pattern, program))
        return cls(kept, budget, source), refused

    def match_file(self, path: str) -> bool:
        """Whether the lines ignore ``path`` (a folder ends with "/").

        Args:
            path: A POSIX path relative to the folder of the lines.

        Returns:
            True if the last pattern deciding it ignores it.
        """
        # pathspec's normalize_file, for the POSIX paths given here.
        path = path[1:] if path.startswith("/") else path[2:] if path.startswith("./") \
            else path
        result, best = False, 0
        for pattern, program in self._patterns:
            if program is None:
                found = pattern.match_file(path)
                if found is None:
                    continue
                marked = bool(found.match.groupdict().get("ps_d"))
            else:
                if program.disabled:
                    continue
                budget = self._budget
                mark, taken = program.match(path, budget.left if budget else None)
                if budget is not None:
                    if taken < 0:
                        # Out of steps: from here on the pattern is not applied (more files
                        # are processed, none hidden) and the walk says so once.
                        program.disabled = True
                        budget.left = 0
                        budget.exhausted.append((self._source, program.number, program.line))
                        continue
                    budget.left -= taken
                if mark is None:
                    continue
                marked = mark
            priority = 1 if marked else 2
            if priority > best:
                result, best = bool(pattern.include), priority
            if priority == 2:
                break
        return result
