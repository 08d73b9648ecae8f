"""``check_source`` called directly: the checker is a pure function of a file's text."""

from __future__ import annotations

from pathlib import Path

from llm_doc_manager.validate import CheckOptions, check_source

DATA = Path(__file__).parent / "data"


def test_check_source_finds_every_expected_drift() -> None:
    text = (DATA / "drift.py").read_text()
    found = check_source(Path("drift.py"), text, CheckOptions(all_defs=True, width=79))
    assert [f.render() for f in found] == (DATA / "expected.txt").read_text().splitlines()


def test_definitions_inside_compound_statements_are_checked() -> None:
    doc = '"""Run.\n\n        Args:\n            x: Gone.\n        """'
    text = (f'"""Module."""\n\nimport sys\n\nif sys.platform == "win32":\n'
            f'    def run(a):\n        {doc}\nelse:\n    def run(b):\n        {doc}\n')
    found = check_source(Path("m.py"), text, CheckOptions(all_defs=True))
    assert sorted((f.line, f.code) for f in found if f.code == "LD311") == [(7, "LD311"),
                                                                           (14, "LD311")]


def test_marked_regions_only_without_all() -> None:
    doc = '"""Nothing about a.\n\n    Args:\n        b: Gone.\n    """'
    text = (f'def quiet(a):\n    {doc}\n\n\n# @llm-doc-start\n'
            f'def loud(a):\n    {doc}\n# @llm-doc-end\n')
    found = check_source(Path("m.py"), text, CheckOptions(all_defs=False))
    assert [(f.line, f.code) for f in found] == [(11, "LD311"), (14, "LD312")]


def test_unparsable_text_is_one_finding() -> None:
    found = check_source(Path("bad.py"), "def f(:\n", CheckOptions(all_defs=True))
    assert [f.code for f in found] == ["LD001"]
    assert check_source(Path("nul.py"), "x = 1\x00\n", CheckOptions())[0].code == "LD001"


def _codes(text: str) -> list[tuple[int, str]]:
    """(line, code) of every finding in a module text (its module docstring given)."""
    found = check_source(Path("m.py"), '"""M."""\n' + text, CheckOptions(all_defs=True))
    return [(f.line - 1, f.code) for f in found]


def test_builtin_exception_aliases_are_the_same_class() -> None:
    # Seen in python-fire: IOError documented, OSError raised (the same class since 3.3).
    for documented, raised in (("IOError", "OSError"), ("OSError", "IOError"),
                               ("EnvironmentError", "OSError"), ("socket.error", "OSError"),
                               ("asyncio.TimeoutError", "TimeoutError")):
        text = (f'def load(path):\n    """Load.\n\n    Args:\n        path: Where.\n\n'
                f'    Raises:\n        {documented}: If it is missing.\n    """\n'
                f'    raise {raised}(path)\n')
        assert _codes(text) == [], (documented, raised)


def test_an_exception_a_callee_may_raise_is_not_reported() -> None:
    # python-fire's _LiteralEval documents the SyntaxError ast.parse raises.
    body = ('    """Parse.\n\n    Args:\n        value: Text.\n\n    Returns:\n'
            '        The value.\n\n    Raises:\n        ValueError: If it is not a literal.\n'
            '        SyntaxError: If it does not parse.\n    """\n')
    calls = (f"def parse(value):\n{body}    root = ast.parse(value)\n    if not root:\n"
             "        raise ValueError(value)\n    return root\n")
    assert _codes(calls) == []
    # Nothing here could raise SyntaxError: the documented exception is drift (LD342).
    alone = (f"def parse(value):\n{body}    if not value:\n        raise ValueError(value)\n"
             "    return value\n")
    assert _codes(alone) == [(12, "LD342")]


def test_private_and_declared_attributes_are_defined() -> None:
    # python-fire documents private attributes its __init__ sets (21 false LD352 before).
    text = ('class Pager(object):\n    """Page.\n\n    Attributes:\n        _out: Stream.\n'
            '        _height: Lines.\n        rows: Rows.\n        x: From the tuple.\n    """\n\n'
            '    __slots__ = ("rows",)\n\n    def __init__(self, out):\n'
            '        self._out = out\n\n    def resize(self):\n        """Resize."""\n'
            '        self._height = 3\n\n\n'
            'class Point(namedtuple("Point", "x y")):\n    """P.\n\n    Attributes:\n'
            '        x: Across.\n        y: Down.\n    """\n\n\n'
            'class Pair(NamedTuple):\n    """P.\n\n    Attributes:\n        a: First.\n'
            '        b: Second.\n    """\n\n    a: int\n    b: int\n')
    assert _codes(text) == [(8, "LD352")]  # `x` is Point's, not Pager's: the one true finding


def test_attributes_a_subclass_sets_for_its_base_are_not_asked_for() -> None:
    # keras: `self.input_spec = …` in a Layer subclass sets the base's attribute.
    doc = '    """Drop.\n\n    Args:\n        rate: How much.\n    """\n\n'
    init = "    def __init__(self, rate):\n        self.rate = rate\n        self.input_spec = 3\n"
    assert _codes(f"class Drop(Layer):\n{doc}{init}") == []
    assert _codes(f"class Drop:\n{doc}{init}") == [(2, "LD351")]
    fields = '    """Drop.\n\n    Attributes:\n        rate: How much.\n    """\n\n    seed: int\n'
    assert _codes(f"@dataclass\nclass Drop(Base):\n{fields}    rate: float\n") == [(3, "LD351")]


def test_prose_sections_may_hold_unindented_examples() -> None:
    # keras and accelerate write `Example:` then `>>>` lines or a fence at the margin.
    text = ('def absolute(x):\n    """Absolute value.\n\n    Args:\n        x: A tensor.\n\n'
            '    Returns:\n        The tensor.\n\n    Example:\n\n    >>> absolute(-1)\n    1\n\n'
            '    Reference:\n\n    - [Someone, 2017](https://example.org)\n    """\n'
            '    return abs(x)\n')
    assert _codes(text) == []
    unreadable = 'def f(x):\n    """F.\n\n    Args:\n    x: A tensor.\n    """\n    return x\n'
    assert (5, "LD362") in _codes(unreadable)


def test_a_generator_of_bare_yields_needs_no_yields_section() -> None:
    # accelerate's @contextmanager methods: `yield` only marks where the with-body runs.
    doc = '    """Run first.\n\n    Args:\n        state: The state.\n    """\n'
    bare = f"@contextmanager\ndef first(state):\n{doc}    state.wait()\n    yield\n"
    assert _codes(bare) == []
    valued = f"@contextmanager\ndef first(state):\n{doc}    yield state.open()\n"
    assert _codes(valued) == [(3, "LD331")]


def test_custom_headings_are_not_misspellings() -> None:
    doc = ('def call(inputs):\n    """Call.\n\n    Args:\n        inputs: In.\n\n'
           '    Call arguments:\n        training: Whether.\n\n    Input shape:\n        Any.\n'
           '    """\n')
    assert _codes(doc) == []
    assert _codes(doc.replace("Call arguments:", "Agrs:")) == [(7, "LD361")]


def test_escaped_newlines_do_not_make_headings_look_indented() -> None:
    # keras: `print("Packed array:\n", packed)` in a non-raw docstring's doctest.
    text = ('def pack(arr):\n    """Pack.\n\n    Args:\n        arr: An array.\n\n'
            '    Returns:\n        The packed array.\n\n    Example:\n\n'
            '    >>> print("Packed:\\n", pack(arr))\n    """\n    return arr\n')
    assert _codes(text) == []


def test_long_docstring_lines_follow_ruffs_exemptions() -> None:
    # A noqa comment naming E501 (or W505) after a multi-line string covers its lines, as
    # in ruff; a line of one word (a URL) cannot be wrapped. Seen on optax: 22 of 24 LD364
    # findings were in docstrings closed with such a comment.
    long = "Do it, with a line that is " + "far " * 14 + "too long."
    url = "https://example.com/" + "a/" * 40
    text = (f'"""M."""\n\n\ndef f() -> None:\n    """{long}\n\n    {url}\n    """  # noqa: E501'
            f'\n\n\ndef g() -> None:\n    """{long}\n\n    {url}\n    """  # noqa: W505\n\n\n'
            f'def h() -> None:\n    """{long}\n\n    {url}\n    """\n')
    found = check_source(Path("m.py"), text, CheckOptions(all_defs=True, width=79))
    assert [(f.code, f.line) for f in found] == [("LD364", 19)]  # h only: the sentence
