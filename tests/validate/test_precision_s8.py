"""False findings from the eighth precision review (peft, huggingface_hub), written as attacks.

Each case is code a maintainer of that project would leave as it is: ``validate --all``
reports nothing for it and ``generate --all`` (the static provider) writes nothing there,
because both ask the one rule (``docstrings.exempt``). Each also keeps a near miss that is
still asked, so that a rule cannot pass by exempting everything.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Run
from tests.helpers import package_findings as _findings
from tests.helpers import package_generated as _generated
from tests.helpers import package_project as _project


def _missing(found: set[tuple[str, str]]) -> set[str]:
    """The names LD301 reports (``Class.method``, ``function``)."""
    return {message.partition(":")[0] for code, message in found if code == "LD301"}


# A wrapper layer re-exposing what it wraps: 5 undocumented properties, one documented
# (under a quarter of the package's properties).
_LAYER = '''"""Layers."""


class Base:
    """A wrapped layer."""

    def __init__(self, inner: object) -> None:
        """Wrap ``inner``."""
        self.inner = inner
        self.token_adapter = inner

    def get_base_layer(self) -> object:
        """The wrapped layer."""
        return self.inner

    @property
    def out_proj(self) -> object:
        return self.get_base_layer().out_proj.get_base_layer()

    @property
    def original_module(self) -> object:
        return self.token_adapter.base_layer

    @property
    def head_dim(self) -> int:
        return self.get_base_layer().head_dim

    @property
    def weight(self) -> object:
        """The weight, concatenated."""
        return self.inner.weight

    @property
    def bias(self) -> object:
        return self.inner.bias

    @property
    def scale(self) -> float:
        return self.inner.scale * 2

    @property
    def kind(self) -> str:
        return self.kind_name
'''


def test_a_property_handing_on_a_chain_is_a_pass_through(tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"layer.py": _LAYER})
    missing = _missing(_findings(root, llm_doc))
    assert not {"Base.out_proj", "Base.original_module", "Base.head_dim", "Base.bias"} & missing
    # Computed (an operator), or the object's own attribute: still asked.
    assert {"Base.scale", "Base.kind"} <= missing, missing
    text = _generated(root, "layer.py", llm_doc)
    assert text.count("TODO") == 2  # scale and kind only


_BNB = '''"""Quantized layers."""

from .backend import is_bnb_available

if is_bnb_available():
    import bnb

    class Linear4bit(bnb.nn.Linear4bit):
        def forward(self, x: int) -> int:
            return x

    class Linear8bitLt(object):
        def forward(self, x: int) -> int:
            return x
'''
_BACKEND = '''"""Backends."""


def is_bnb_available() -> bool:
    """Whether bitsandbytes imports."""
    return False
'''
_AQLM = '''"""AQLM layers."""


class AqlmLinear:
    def forward(self, x: int) -> int:
        return x


def dispatch_aqlm(target: object) -> object:
    return AqlmLinear()
'''
_LORA_LAYER = '''"""LoRA layers."""


class Linear:
    """A documented layer."""


class Embedding:
    def forward(self, x: int) -> int:
        return x


def dispatch_default(target: object) -> object:
    return Embedding() if target else Linear()
'''


def _dispatch(name: str) -> str:
    return f'"""Dispatch."""\n\n\ndef dispatch_{name}(target: object) -> object:\n' \
        "    return target\n"


def test_per_backend_wrappers_are_a_family(tmp_path: Path, llm_doc: Run) -> None:
    files = {"backend.py": _BACKEND, "lora/aqlm.py": _AQLM, "lora/layer.py": _LORA_LAYER}
    for tuner in ("lora", "ia3", "road", "hira", "pvera"):
        files[f"{tuner}/__init__.py"] = f'"""{tuner}."""\n'
        files[f"{tuner}/bnb.py"] = _BNB.replace("from .backend", "from ..backend")
    for name in ("a", "b", "c", "d"):
        files[f"dispatch_{name}.py"] = _dispatch(name)
    root = _project(tmp_path / "p", files)
    missing = _missing(_findings(root, llm_doc))
    # Nested in ``if is_bnb_available():``, different bases, 0 of 10 documented: a family.
    assert not {"Linear4bit", "Linear8bitLt"} & missing, missing
    # Built only by an undocumented dispatch_* factory, in a file documenting no class.
    assert "AqlmLinear" not in missing
    # Built by dispatch_default too, but in a file that documents its layers: asked.
    assert "Embedding" in missing
    assert "TODO" not in _generated(root, "lora/aqlm.py", llm_doc).split("def dispatch")[0]


_MIXED = '''"""Mixed models."""

from abc import ABC


class Mixed:
    """A model of mixed adapters."""

    def save_pretrained(self, directory: str) -> None:
        raise NotImplementedError(f"Saving is not supported for {type(self).__name__} (yet).")

    def merge(self) -> None:
        raise NotImplementedError


class Interface(ABC):
    """What a model implements."""

    def load(self, directory: str) -> None:
        raise NotImplementedError("Subclasses load their weights.")
'''


def test_a_method_that_only_raises_not_implemented_with_a_message(
        tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"mixed.py": _MIXED})
    missing = _missing(_findings(root, llm_doc))
    assert "Mixed.save_pretrained" not in missing
    # No message, or an interface's method subclasses implement: still asked.
    assert {"Mixed.merge", "Interface.load"} <= missing, missing
    assert "def save_pretrained(self, directory: str) -> None:\n        raise" in \
        _generated(root, "mixed.py", llm_doc)


_ANSI = '''"""Terminal helpers."""


class ANSI:
    """Colours for en.wikipedia.org/wiki/ANSI_escape_code."""

    _red = "R"

    @classmethod
    def blue(cls, s: str) -> str:
        return cls._format(s, cls._red)

    @classmethod
    def bold(cls, s: str) -> str:
        return cls._format(s, cls._red)

    @classmethod
    def gray(cls, s: str) -> str:
        return cls._format(s, cls._red)

    @classmethod
    def green(cls, s: str) -> str:
        return cls._format(s, cls._red)

    @classmethod
    def red(cls, s: str) -> str:
        return cls._format(s, cls._red)

    @classmethod
    def _format(cls, s: str, code: str) -> str:
        return code + s


class Four:
    """Only four wrappers: no family."""

    def a(self) -> int:
        return self._x(1)

    def b(self) -> int:
        return self._x(2)

    def c(self) -> int:
        return self._x(3)

    def d(self) -> int:
        return self._x(4)

    def _x(self, n: int) -> int:
        return n
'''


def test_one_line_wrappers_of_one_helper_are_a_family(tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"terminal.py": _ANSI})
    missing = _missing(_findings(root, llm_doc))
    assert not {m for m in missing if m.startswith("ANSI.")}, missing
    assert {"Four.a", "Four.d"} <= missing
    assert "TODO" not in _generated(root, "terminal.py", llm_doc).split("class Four")[0]


_FILE_SYSTEM = '''"""A file system."""


class FileSystem:
    """Files on the Hub."""

    def __reduce__(self) -> object:
        return make_instance, (1,)


def make_instance(n: int) -> FileSystem:
    return FileSystem()


def reopen(n: int) -> FileSystem:
    return FileSystem()


def safe_revision(revision: str) -> str:
    return revision
'''


def test_a_modules_helpers_it_leaves_undocumented(tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"fs.py": _FILE_SYSTEM, "api.py": _FILE_SYSTEM,
                                     "script.py": _FILE_SYSTEM})
    # The package exports fs.py's documented class (its helpers are left to their code),
    # and api.py's functions: they are its interface, still asked. Nothing of script.py is
    # exported: a module not documented yet is asked as ever.
    (root / "pkg" / "__init__.py").write_text(
        '"""Pkg."""\n\nfrom .api import make_instance, reopen, safe_revision\n'
        'from .fs import FileSystem\n')
    done = llm_doc("validate", "--all", "--no-cache", "pkg", cwd=root)
    assert "pkg/fs.py" not in done.stdout, done.stdout
    assert "pkg/api.py:11:5: LD301 make_instance" in done.stdout
    assert "pkg/script.py:11:5: LD301 make_instance" in done.stdout
    assert "TODO" not in _generated(root, "fs.py", llm_doc)


_PYPROJECT = '''[project]
name = "p"

[project.scripts]
p = "pkg.cli:main"
p-old = "pkg.old_cli:main"
'''
_CLI = '''"""The command line."""


def main() -> None:
    # Build the parser, then run the command.
    print("p")


def helper() -> None:
    print("h")
'''


def test_a_console_script_entry_point(tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"cli.py": _CLI, "old_cli.py": _CLI})
    (root / "pyproject.toml").write_text(_PYPROJECT)
    missing = {(message.partition(":")[0]) for code, message in _findings(root, llm_doc)
               if code == "LD301"}
    assert "main" not in missing
    assert "helper" in missing
    assert "def main() -> None:\n    # Build" in _generated(root, "cli.py", llm_doc)
    # Where an entry point is documented, the others are asked too.
    (root / "pkg" / "old_cli.py").write_text(_CLI.replace(
        "def main() -> None:\n", 'def main() -> None:\n    """Run the old command."""\n'))
    missing = {(message.partition(":")[0]) for code, message in _findings(root, llm_doc)
               if code == "LD301"}
    assert "main" in missing


_ORDER = '''"""Repositories."""


def repo_info(repo_id: str, *, revision: str = "", repo_type: str = "", token: str = "",
              **kwargs: str) -> str:
    """Get a repository's information.

    Args:
        repo_id: The repository.
        token: A token.
        revision: A revision.
        **kwargs: More.
        repo_type: Its type.

    Returns:
        The information.
    """
    return repo_id + revision + repo_type + token + str(kwargs)


def positional(a: int, b: int, *, c: int = 0) -> int:
    """Add.

    Args:
        b: Second.
        a: First.
        c: Third.

    Returns:
        The sum.
    """
    return a + b + c
'''


def test_keyword_only_parameters_may_be_documented_in_any_order(
        tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"repo.py": _ORDER})
    found = {(code, message.partition(":")[0]) for code, message in _findings(root, llm_doc)}
    assert ("LD313", "repo_info") not in found
    assert ("LD313", "positional") in found


_FS = '''"""File systems."""


class FileSystem:
    """Files on the Hub."""

    def info(self, path: str, **kwargs: object) -> dict[str, object]:
        """Describe a file.

        Args:
            path: The file.

        Returns:
            What is known of it.
        """
        return {"path": path, **kwargs}

    def modified(self, path: str, **kwargs: object) -> object:
        """When a file was last changed.

        Args:
            path: The file.

        Returns:
            The date.
        """
        return self.info(path, **{**kwargs, "expand_info": True})["last_commit"]

    def size(self, path: str, **kwargs: object) -> object:
        """A file's size.

        Args:
            path: The file.

        Returns:
            The size.
        """
        return self.fetch(path, **{**kwargs, "exact": True}) + len(kwargs)

    def stat(self, path: str, **kwargs: object) -> object:
        """A file's status.

        Args:
            path: The file.

        Returns:
            The status.
        """
        return self.fetch(path, **{**kwargs, "exact": False})

    def fetch(self, path: str, **kwargs: object) -> int:
        """Fetch a file's size.

        Args:
            path: The file.
            **kwargs: Options of the request.

        Returns:
            The size.
        """
        return len(path) + len(kwargs)
'''


def test_kwargs_handed_to_a_method_that_does_not_document_them(
        tmp_path: Path, llm_doc: Run) -> None:
    # The project documents the **kwargs of its other functions: LD311 asks for them.
    others = "".join(f'\n\ndef call_{i}(**kwargs: int) -> int:\n    """Call.\n\n    Args:\n'
                     f'        **kwargs: Options.\n\n    Returns:\n        A sum.\n    """\n'
                     f'    return sum(kwargs.values())\n' for i in range(6))
    root = _project(tmp_path / "p", {"fs.py": _FS, "calls.py": '"""Calls."""\n' + others})
    found = {(code, message.partition(":")[0]) for code, message in _findings(root, llm_doc)}
    assert ("LD311", "FileSystem.info") in found
    assert ("LD311", "FileSystem.modified") not in found
    # Handed to a method that documents its own: that docstring says what they carry.
    assert ("LD311", "FileSystem.stat") not in found
    # The near miss: merged and handed on, but also read here (len): asked.
    assert ("LD311", "FileSystem.size") in found
    text = _generated(root, "fs.py", llm_doc)
    # Entries for info and size only.
    assert text.count("**kwargs") == _FS.count("**kwargs") + 2
    assert "**kwargs" not in text.split("def modified")[1].split('"""')[1]
    # A second run adds nothing: info's new entry does not make modified asked (it did).
    (root / "pkg" / "fs.py").write_text(text)
    assert _generated(root, "fs.py", llm_doc) == text


_VENDORED = '''# Taken from https://github.com/example/project/pull/1
#
# Do not use these for security purposes.
import functools
import hashlib

md5 = functools.partial(hashlib.md5, usedforsecurity=False)
'''


def test_a_vendored_header_above_names_only_documents_the_module(
        tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"insecure_hashlib.py": _VENDORED,
                                     "plain.py": _VENDORED.split("\n", 3)[3]})
    found = _findings(root, llm_doc)
    assert ("LD301", "<module>: module has no docstring") in found  # plain.py
    done = llm_doc("validate", "--all", "--no-cache", "pkg", cwd=root)
    assert "insecure_hashlib.py" not in done.stdout
    assert "plain.py" in done.stdout
    assert _generated(root, "insecure_hashlib.py", llm_doc) == _VENDORED


_OPS = '''"""Conversions."""

from library.ops import Concatenate, ConversionOps


class PeftConcatenate(Concatenate):
    """Concatenate adapters."""

    def convert(self, value: int) -> int:
        return value


class FlattenDims(ConversionOps):
    """Flatten."""

    def convert(self, value: int) -> int:
        return value


class PermuteDims(ConversionOps):
    """Permute."""

    def convert(self, value: int) -> int:
        return value

    def extra(self) -> int:
        return 1
'''


def test_a_library_hook_through_another_library_class(tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"ops.py": _OPS})
    missing = _missing(_findings(root, llm_doc))
    assert not {"PeftConcatenate.convert", "FlattenDims.convert"} & missing, missing
    assert "PermuteDims.extra" in missing


_SETUP_CFG = '''[metadata]
name = p

[options.entry_points]
console_scripts =
    p = pkg.cli:main
    gone = pkg.missing:main
    deep = pkg.deep:main
'''


def test_entry_points_from_setup_cfg_and_broken_targets(tmp_path: Path, llm_doc: Run) -> None:
    # An entry naming no file, or a file that does not parse, is left out (no error).
    deep = "x = " + "(" * 5000 + ")" * 5000 + "\n"
    root = _project(tmp_path / "p", {"cli.py": _CLI, "deep.py": deep})
    (root / "setup.cfg").write_text(_SETUP_CFG)
    done = llm_doc("validate", "--all", "--no-cache", "pkg/cli.py", cwd=root)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "LD301 main" not in done.stdout
    assert "LD301 helper" in done.stdout
