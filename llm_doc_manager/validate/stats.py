"""``validate --stats``: the documentation metrics of the files checked, per file and in all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from llm_doc_manager.analysis import load_file
from llm_doc_manager.codes import Finding, visible
from llm_doc_manager.docstrings.conventions import Evidence
from llm_doc_manager.docstrings.metrics import Metrics, measure


def file_metrics(files: Sequence[Path], placeholder: str, styles: Counter[str] | None = None
                 ) -> list[tuple[Path, Metrics]]:
    """Measure each file that parses (the others are findings already).

    Args:
        files: The files checked.
        placeholder: The configured placeholder (a part holding only it is incomplete).
        styles: When given, the style of each sectioned docstring is counted into it.

    Returns:
        Each measured file with its metrics, in the given order.
    """
    measured = []
    for path in files:
        loaded = load_file(path)
        if isinstance(loaded, Finding):
            continue
        try:
            measured.append((path, measure(loaded.tree, path.stem, placeholder)))
            if styles is not None:
                evidence = Evidence()
                evidence.add_tree(loaded.tree, None)
                styles.update(evidence.styles)
        except RecursionError:
            continue  # code too deep to walk is reported by the checks
    return measured


def render_styles(styles: Counter[str]) -> str:
    """One line saying which styles the sectioned docstrings are written in.

    Args:
        styles: Docstrings counted by style.

    Returns:
        The line (empty when no docstring has sections); a mixed project is said to be.
    """
    if not styles:
        return ""
    counts = ", ".join(f"{name} {count}" for name, count in styles.most_common())
    mixed = "; mixed: new docstrings follow the majority (pin it with `style`)" \
        if len(styles) > 1 else ""
    return f"styles: {counts}{mixed}\n"


def render_stats(measured: Sequence[tuple[Path, Metrics]]) -> str:
    """A table of the metrics per file and for all of them.

    Args:
        measured: What ``file_metrics`` returned.

    Returns:
        The text, one line per file and a total line.
    """
    total = Metrics()
    for _, metrics in measured:
        total.add(metrics)
    known = total.defined
    rows = [(visible(str(path)), metrics) for path, metrics in measured] + [("all files", total)]
    width = max(len(name) for name, _ in rows)
    lines = [f"{'file':<{width}}  coverage          completeness     truthfulness"]
    for name, metrics in rows:
        true, mentions = metrics.truthful(known)
        coverage = "-" if metrics.coverage is None else f"{100 * metrics.coverage:5.1f} %"
        complete = "-" if metrics.complete is None else f"{metrics.complete:.3f}"
        truthful = "-" if not mentions else f"{true / mentions:.3f}"
        lines.append(f"{name:<{width}}  {coverage:>7} {metrics.documented:>4}/"
                     f"{metrics.documentable:<4} {complete:>5} ({metrics.docstrings:>4})   "
                     f"{truthful:>5} ({true}/{mentions})")
    return "\n".join(lines) + "\n"
