"""Issue 22, the report of a large project: an index and one page per file (each written as
the attack), every link checked with a CommonMark parser and GitHub's anchors."""

from __future__ import annotations

import os
from pathlib import Path

from bench.report_stdlib import broken_links
from llm_doc_manager.report.render import PAGE_LIMIT
from tests.conftest import Run

CORE = '''\
"""Core: parsing."""


def parse(text):
    """Turn text into a number."""
    return int(text)


class Reader:
    """Read numbers."""

    def read(self, text):
        return parse(text)
'''

APP = '''\
"""The app."""
from pkg.core import Reader, parse


def main():
    return parse("1") + Reader().read("2")
'''


def _documents(index: Path) -> dict[str, str]:
    """The index and its pages, by path relative to the index's folder."""
    folder = index.parent
    found = {index.name: index.read_text(encoding="utf-8")}
    pages = folder / f"{index.stem}.pages"
    for page in pages.iterdir():
        found[f"{pages.name}/{page.name}"] = page.read_text(encoding="utf-8")
    return found


def _small(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "core.py").write_text(CORE)
    (root / "pkg" / "app.py").write_text(APP)
    # Names a URL or a file system could mangle: a space, parentheses, non-ASCII, case.
    (root / "pkg" / "we ird(1).py").write_text("def odd():\n    return 1\n")
    (root / "pkg" / "É.py").write_text("def accent():\n    return 2\n")
    (root / "A.py").write_text("def upper():\n    return 3\n")
    (root / "a.py").write_text("def lower():\n    return 4\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_core.py").write_text("def test_parse():\n    assert True\n")
    return root


def test_pages_layout_links_resolve_across_pages(tmp_path: Path, llm_doc: Run) -> None:
    # Attack: no layout but one document. Forced here on a small project: every link of
    # the index and of each page must reach a heading, across documents.
    root = _small(tmp_path)
    out = tmp_path / "out" / "report.md"
    out.parent.mkdir()
    result = llm_doc("report", str(root), "--pages", "-o", str(out))
    assert result.returncode == 0, result.stderr
    documents = _documents(out)
    assert sorted(documents) == sorted([
        "report.md", "report.pages/A.py.md", "report.pages/a.py-2.md",
        "report.pages/pkg.__init__.py.md", "report.pages/pkg.app.py.md",
        "report.pages/pkg.core.py.md", "report.pages/pkg.we_ird_1_.py.md",
        "report.pages/pkg._.py.md"])
    assert broken_links(documents) == []
    index = documents["report.md"]
    assert "| Layout | this index and 7 pages, one per file, in `report.pages/`" in index
    assert "| [`pkg/core.py`](report.pages/pkg.core.py.md) | 13 | 3 | 75 % | Core: parsing. |" \
        in index
    assert "## Tests" in index
    assert "tests/test_core.py" in index
    app = documents["report.pages/pkg.app.py.md"]
    assert app.startswith("# `pkg/app.py`\n\nPart of [proj: code documentation and analysis]"
                          "(../report.md#files).\n")
    assert "Calls: [`parse`](pkg.core.py.md#parse), [`Reader`](pkg.core.py.md#reader)" in app
    core = documents["report.pages/pkg.core.py.md"]
    assert "Called by: [`main`](pkg.app.py.md#main), [`Reader.read`](#readerread)" in core
    assert "<summary>Source of pkg/core.py</summary>" in core
    # The checker itself finds a link that reaches nothing.
    documents["report.pages/pkg.app.py.md"] = app.replace("pkg.core.py.md#parse",
                                                          "pkg.core.py.md#parsed")
    assert broken_links(documents) == ["report.pages/pkg.app.py.md: pkg.core.py.md#parsed"]


def test_a_large_project_gets_pages_each_under_the_limit(tmp_path: Path, llm_doc: Run) -> None:
    # Attack: past 1 MB one document is written anyway (scipy's: 8.9 MB), which GitHub does
    # not render. Here one file's docstrings alone pass the limit.
    root = _small(tmp_path)
    words = "word " * 60_000  # 300 KB a docstring, below its short summary
    (root / "pkg" / "huge.py").write_text("".join(
        f'def big{n}():\n    """Big {n}.\n\n    {words}"""\n    return {n}\n\n\n'
        for n in range(4))
        + "def caller():\n    return big1()\n")
    (root / "pkg" / "uses.py").write_text("from pkg.huge import big2\n\n\n"
                                          "def user():\n    return big2()\n")
    out = tmp_path / "report.md"
    result = llm_doc("report", str(root), "-o", str(out))
    assert result.returncode == 0, result.stderr
    documents = _documents(out)
    sizes = {name: len(text.encode()) for name, text in documents.items()}
    assert max(sizes.values()) <= PAGE_LIMIT, sizes
    assert broken_links(documents) == []
    huge = documents["report.pages/pkg.huge.py.md"]
    assert "Definition sections left out: this page would pass 1 MB" in huge
    assert "Source left out: this page would pass 1 MB" in huge
    assert "| `big1` | 8-12 | 1 | 1 / 0 | Big 1. |" in huge  # the table stays, unlinked
    # A link to a definition whose section was left out goes to its page.
    assert "Calls: [`big2`](pkg.huge.py.md)" in documents["report.pages/pkg.uses.py.md"]
    assert "| Sections | definition sections left out of 1 page that would pass 1 MB" \
        in documents["report.md"]
    # --single: one document whatever its size; to standard output, a note says how big.
    single = llm_doc("report", str(root), "--single", "-o", str(tmp_path / "one.md"))
    assert single.returncode == 0, single.stderr
    assert (tmp_path / "one.md").stat().st_size > PAGE_LIMIT
    assert not (tmp_path / "one.pages").exists()
    stdout = llm_doc("report", str(root))
    assert "past the 1000 KB GitHub renders; -o FILE writes an index" in stdout.stderr


def test_pages_need_a_file_and_never_replace_the_users_folder(tmp_path: Path,
                                                              llm_doc: Run) -> None:
    root = _small(tmp_path)
    for extra in (("-o", "-"), ("--format", "json", "-o", str(tmp_path / "r.json")),
                  ("-o", os.devnull)):
        refused = llm_doc("report", str(root), "--pages", *extra)
        assert refused.returncode == 2, extra
        assert "--pages writes Markdown pages in a folder beside the index" in refused.stderr
    # A folder of that name holding something of the user's is not replaced.
    out = tmp_path / "notes.md"
    (tmp_path / "notes.pages").mkdir()
    (tmp_path / "notes.pages" / "mine.txt").write_text("keep")
    result = llm_doc("report", str(root), "--pages", "-o", str(out))
    assert result.returncode == 2
    assert "notes.pages exists and holds more than the pages of a report: not replaced" \
        in result.stderr
    assert "\n" not in result.stderr.rstrip("\n")  # one line, no traceback
    assert not out.exists()
    assert (tmp_path / "notes.pages" / "mine.txt").read_text() == "keep"
    # The pages of an earlier run are replaced whole: a page of a file gone goes too.
    (tmp_path / "notes.pages" / "mine.txt").unlink()
    assert llm_doc("report", str(root), "--pages", "-o", str(out)).returncode == 0
    (root / "A.py").unlink()
    assert llm_doc("report", str(root), "--pages", "-o", str(out)).returncode == 0
    names = sorted(p.name for p in (tmp_path / "notes.pages").iterdir())
    assert "A.py.md" not in names
    assert "a.py.md" in names
    assert broken_links(_documents(out)) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_hostile_file_names_make_safe_pages(tmp_path: Path, llm_doc: Run) -> None:
    # Attack: a file name holding a line break and HTML becomes a page name, a link and a
    # heading: none may carry live HTML, leave the folder or break a link.
    from markdown_it import MarkdownIt

    root = tmp_path / "proj"
    root.mkdir()
    (root / "evil\n<img src=x onerror=alert(1)>.py").write_text("def f():\n    return g()\n")
    (root / "`tick|pipe`.py").write_text('def g():\n    """G."""\n    return 1\n')
    (root / "up%2F..%2F..%2Fup.py").write_text("def h():\n    return 1\n")
    out = tmp_path / "out" / "r.md"
    out.parent.mkdir()
    result = llm_doc("report", str(root), "--pages", "-o", str(out))
    assert result.returncode == 0, result.stderr
    documents = _documents(out)
    assert sorted(documents) == sorted([
        "r.md", "r.pages/up_2F.._2F.._2Fup.py.md", "r.pages/_tick_pipe_.py.md",
        "r.pages/evil__img_src_x_onerror_alert_1__.py.md"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "proj"]
    assert broken_links(documents) == []
    parser = MarkdownIt("commonmark").enable("table")
    for name, text in documents.items():
        tokens = parser.parse(text)
        inline = [child for token in tokens for child in token.children or []]
        assert not [t for t in inline if t.type == "html_inline"], name
        assert all(t.content.startswith(("<details>", "</details>")) for t in tokens
                   if t.type == "html_block"), name
    page = documents["r.pages/evil__img_src_x_onerror_alert_1__.py.md"]
    assert page.startswith("# `evil\\n<img src=x onerror=alert(1)>.py`\n")


def test_an_output_that_cannot_be_written_is_one_line(tmp_path: Path, llm_doc: Run) -> None:
    # Attack: -o into a missing folder ended with "internal error: FileNotFoundError".
    root = _small(tmp_path)
    for extra in ((), ("--pages",)):
        result = llm_doc("report", str(root), "-o", str(tmp_path / "missing" / "r.md"), *extra)
        assert result.returncode == 2, extra
        assert result.stderr == (f"llm-doc report: error: cannot write {tmp_path}/missing/r.md: "
                                 "No such file or directory\n"), extra
