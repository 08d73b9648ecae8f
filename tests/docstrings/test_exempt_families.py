"""What needs a docstring: undocumented families of a module, and delegates.

Both rules live in the one rule (``docstrings/exempt.py``) and are checked on both sides:
``validate --all`` asks (LD301) or not, ``generate --all`` writes a docstring or not. The
files are real files in a real project tree on disk, as ``test_exempt_scope.py`` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from llm_doc_manager.docstrings.exempt import Scope
from llm_doc_manager.generate.pipeline import FileChange, Options
from llm_doc_manager.validate import CheckOptions, check_source
from tests.helpers import run_file


def _asked(path: Path) -> set[str]:
    """The names LD301 asks a docstring for (the module docstring left out)."""
    found = check_source(path, path.read_text(), CheckOptions(all_defs=True, scope=Scope()))
    return {f.message.split(":")[0] for f in found
            if f.code == "LD301" and "module" not in f.message}


def _written(path: Path) -> set[str]:
    """The names ``generate --all`` writes a new docstring for (the file is not written)."""
    result = run_file(path, None, Options(all_defs=True, scope=Scope()))
    if not isinstance(result, FileChange):
        return set()
    return {r.qualname for r in result.regions
            if r.status.value == "generated" and r.qualname != "<module>"}


def _module(tmp_path: Path, text: str, name: str = "lib.py") -> Path:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (root / "pkg" / "__init__.py").write_text('"""P."""\n')
    path = root / "pkg" / name
    path.write_text('"""Lib."""\n\n\n' + text)
    return path


def _functions(names: list[str], documented: int = 0) -> str:
    """Top-level functions, the first ``documented`` of them with a docstring."""
    out = []
    for index, name in enumerate(names):
        doc = f'    """Tell {name}."""\n' if index < documented else ""
        out.append(f"def {name}() -> bool:\n{doc}    return True\n\n\n")
    return "".join(out)


def _classes(names: list[str], documented: int = 0) -> str:
    out = []
    for index, name in enumerate(names):
        doc = f'    """A {name}."""\n\n' if index < documented else ""
        out.append(f"class {name}:\n{doc}    value: int = 0\n\n\n")
    return "".join(out)


AVAILABLE = [f"is_{p}_available" for p in ("torch", "numpy", "jinja", "pydot", "keras")]
VERSIONS = [f"get_{p}_version" for p in ("torch", "numpy", "jinja", "pydot", "keras")]


def test_an_undocumented_family_of_functions_is_not_asked(tmp_path: Path) -> None:
    # huggingface_hub's utils/_runtime.py: 43 is_*/get_* functions, 5 documented.
    path = _module(tmp_path, _functions(AVAILABLE, documented=1) + _functions(VERSIONS)
                   + _functions(["installation_method"]))
    # Neither family (1 of 5 and 0 of 5 documented) is asked; a function of no family is.
    assert _asked(path) == {"installation_method"}
    assert _written(path) == {"installation_method"}


def test_a_family_of_four_is_asked(tmp_path: Path) -> None:
    path = _module(tmp_path, _functions(AVAILABLE[:4]))
    assert _asked(path) == set(AVAILABLE[:4])
    assert _written(path) == set(AVAILABLE[:4])


def test_a_family_a_quarter_documented_is_asked(tmp_path: Path) -> None:
    names = [f"dispatch_{n}" for n in ("a", "b", "c", "d", "e", "f", "g", "h")]
    # 2 of 8 is 25 %: the module documents this family, the 6 others are gaps.
    path = _module(tmp_path, _functions(names, documented=2))
    assert _asked(path) == set(names[2:])
    assert _written(path) == set(names[2:])
    # 1 of 8 is under a quarter: the module's practice is to leave them undocumented.
    path.write_text('"""Lib."""\n\n\n' + _functions(names, documented=1))
    assert _asked(path) == set()
    assert _written(path) == set()


def test_an_undocumented_family_of_classes_is_not_asked(tmp_path: Path) -> None:
    # huggingface_hub's _webhooks_payload.py: 0 of 11 WebhookPayload* classes documented.
    names = ["WebhookPayloadEvent", "WebhookPayloadDiscussion", "WebhookPayloadComment",
             "WebhookPayloadRepo", "WebhookPayloadWebhook"]
    # A class named by the family's word alone is not a member: it is what the family is
    # about (``Webhook``); nor is a function sharing the word (functions and classes are
    # families of their own).
    path = _module(tmp_path, _classes(names) + _classes(["Webhook"])
                   + _functions(["webhook_payload"]))
    assert _asked(path) == {"Webhook", "webhook_payload"}
    assert _written(path) == {"Webhook", "webhook_payload"}


def test_generic_first_words_make_no_family(tmp_path: Path) -> None:
    # A one-letter first word says nothing of what the functions share.
    functions = [f"f_{n}" for n in ("add", "sub", "mul", "div", "mod")]
    classes = [f"X{n}" for n in ("Config", "Model", "Layer", "Head", "Loss")]
    path = _module(tmp_path, _functions(functions) + _classes(classes))
    assert _asked(path) == {*functions, *classes}
    assert _written(path) == {*functions, *classes}


def test_methods_and_private_names_are_not_family_members(tmp_path: Path) -> None:
    # Methods named alike make no family of the module; private functions neither count
    # towards a family nor make the public ones a quarter documented.
    methods = "".join(f"    def {n}(self) -> bool:\n        return True\n\n" for n in AVAILABLE)
    private = "".join(f'def _is_{n}() -> bool:\n    """Tell."""\n    return True\n\n\n'
                      for n in "abcdefgh")
    path = _module(tmp_path, f'class Checks:\n    """Checks."""\n\n{methods}\n'
                   + private + _functions(AVAILABLE))
    assert _asked(path) == {f"Checks.{n}" for n in AVAILABLE}
    assert _written(path) == {f"Checks.{n}" for n in AVAILABLE}


def test_a_documented_member_is_still_checked_whole(tmp_path: Path) -> None:
    # The exemption is for the members without a docstring: one that has one is checked
    # as ever (its missing Args entry is LD311).
    text = _functions(AVAILABLE[1:]) + ('def is_torch_available(strict: bool) -> bool:\n'
                                        '    """Tell whether torch is there.\n\n'
                                        '    Returns:\n        True if so.\n    """\n'
                                        '    return strict\n')
    path = _module(tmp_path, text)
    found = check_source(path, path.read_text(), CheckOptions(all_defs=True, scope=Scope()))
    assert {f.code for f in found} == {"LD311"}, found


DELEGATES = '''class Path:
    """A path on a file system."""

    def url(self) -> str:
        return self.fs.url(self.path)

    @property
    def head_dim(self) -> int:
        return self.get_base_layer().head_dim

    async def read(self, size: int) -> bytes:
        return await self.stream.read(size)

    def exists(self) -> bool:
        return os.path.exists(self.path)

    @property
    def size(self) -> int:
        return self._size

    @property
    def image(self) -> str:
        return self._server.image

    def link(self) -> str:
        return self.fs.url(self.path)

    def name(self) -> str:
        return self.name()

    def parent(self) -> str:
        return type(self).parent(self)

    def stat(self) -> int:
        self.calls += 1
        return self.fs.stat(self.path)

    def close(self):
        self.exit_stack.close()

    def flush(self) -> None:
        self.buffer = self.fs.empty()


def url(path: str) -> str:
    return fs.url(path)
'''


def test_a_method_handing_on_to_the_same_name_elsewhere_is_not_asked(tmp_path: Path) -> None:
    path = _module(tmp_path, DELEGATES)
    # Asked: a private attribute behind a property (``_size`` documents nothing), a member
    # of a private one (``_server.image``), another name (``link`` → ``url``), itself
    # (``self.name()``, ``type(self).parent``), a body that does more than hand on, and a
    # module-level function.
    # ``close`` is a call handing on (huggingface_hub's generator of its async client
    # rewrites that exact text); ``flush`` does something of its own (a value it computes:
    # a constant alone, in a class documenting none of its methods, is ``resets_only``'s).
    asked = {"Path.size", "Path.image", "Path.link", "Path.name", "Path.parent", "Path.stat",
             "Path.flush", "url"}
    assert _asked(path) == asked
    assert _written(path) == asked


def test_a_documented_delegate_is_still_checked_whole(tmp_path: Path) -> None:
    path = _module(tmp_path, 'class Path:\n    """A path."""\n\n'
                   '    def url(self, scheme: str) -> str:\n        """The URL.\n\n'
                   '        Returns:\n            The URL.\n        """\n'
                   '        return self.fs.url(self.path, scheme)\n')
    found = check_source(path, path.read_text(), CheckOptions(all_defs=True, scope=Scope()))
    assert {f.code for f in found} == {"LD311"}, found


def test_generate_leaves_the_family_s_bytes_alone(tmp_path: Path) -> None:
    path = _module(tmp_path, _functions(AVAILABLE, documented=1) + DELEGATES)
    before = path.read_text()
    result = run_file(path, None, Options(all_defs=True, scope=Scope()))
    assert isinstance(result, FileChange)
    after = result.new_text
    for name in AVAILABLE[1:]:
        # Each undocumented member is as it was: its def line followed by its body.
        assert f"def {name}() -> bool:\n    return True\n" in after
    assert "def url(self) -> str:\n        return self.fs.url" in after
    assert before != after  # the other definitions got theirs


def _cli(args: list[str], cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LLM_DOC_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-m", "llm_doc_manager", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=600)


def test_the_result_cache_follows_the_family(tmp_path: Path) -> None:
    path = _module(tmp_path, _functions(AVAILABLE, documented=1))
    root, cache = path.parents[1], tmp_path / "cache"
    first = _cli(["validate", "--all", "pkg"], root, cache)
    assert first.returncode == 0, first.stdout + first.stderr
    # A second member documented: 2 of 5 is the module documenting the family.
    path.write_text('"""Lib."""\n\n\n' + _functions(AVAILABLE, documented=2))
    second = _cli(["validate", "--all", "pkg"], root, cache)
    assert second.returncode == 1, second.stdout + second.stderr
    assert all(name in second.stdout for name in AVAILABLE[2:]), second.stdout
