"""A project's own configuration cannot redirect code, keys or storage, nor crash the tool.

Each test is the attack: a project tree built in ``tmp_path`` whose ``pyproject.toml``
points ``base-url`` / ``azure-endpoint`` at a real local HTTP server that records every
request (and its ``Authorization`` / ``api-key`` header), ``cache-dir`` into the tree, or
``baseline`` outside it; the real ``llm-doc`` runs in a subprocess. The user's trust,
given outside the tree (``LLM_DOC_TRUSTED_PROJECTS`` or ``trusted-projects`` in the
user-level ``config.toml``), is the only thing that lets those keys through.

The untrusted runs must not reach the network: the user's environment holds
``HTTPS_PROXY`` pointing at a second local server that records ``CONNECT`` lines and
refuses them, so a run that correctly falls back to the default server
(``https://api.openai.com/v1``) is seen arriving there and goes no further. A proxy is
not a base URL: it cannot hide the bug (on the old code the tree's ``http://`` URL is
reached directly; ``HTTPS_PROXY`` applies to ``https://`` only).
"""

from __future__ import annotations

import os
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_openai import FakeOpenAI

KEY = "sk-test-0123456789abcdefDONOTSEND"
AZURE_KEY = "azure-test-0123456789DONOTSEND"
SOURCE = "def add(a: int, b: int) -> int:\n    return a + b\n"
DEEP = 5000


class _ProxyRecorder(socketserver.ThreadingTCPServer):
    """An HTTP proxy that records the request line it is asked for and refuses it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.lines: list[str] = []
        super().__init__(("127.0.0.1", 0), _ProxyHandler)


class _ProxyHandler(socketserver.StreamRequestHandler):
    server: _ProxyRecorder

    def handle(self) -> None:
        line = self.rfile.readline(4096).decode("latin-1").strip()
        self.server.lines.append(line)
        self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


@pytest.fixture
def proxy() -> Iterator[_ProxyRecorder]:
    recorder = _ProxyRecorder()
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    yield recorder
    recorder.shutdown()
    recorder.server_close()


def _env(tmp_path: Path, proxy: _ProxyRecorder | None = None, /,
         **extra: str) -> dict[str, str]:
    """The user's environment: nothing of ours, the user folders inside tmp_path."""
    drop = ("LLM_DOC_", "OPENAI_", "AZURE_OPENAI_", "XDG_")
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(drop) and not k.lower().endswith("_proxy")}
    environ["XDG_CONFIG_HOME"] = str(tmp_path / "user-config")
    environ["XDG_CACHE_HOME"] = str(tmp_path / "user-cache")
    if proxy is not None:
        environ["HTTPS_PROXY"] = f"http://127.0.0.1:{proxy.server_address[1]}"
    environ.update(extra)
    return environ


def _run(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "llm_doc_manager", *args], cwd=cwd, env=env,
                          input="", capture_output=True, text=True, timeout=120, check=False)


def _project(folder: Path, table: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    # max-tries and timeout are ordinary keys a project may set; they keep a refused
    # connection from being retried with backoff.
    (folder / "pyproject.toml").write_text(
        f"[tool.llm-doc]\nmax-tries = 1\ntimeout = 20\n{table}\n", encoding="utf-8")
    (folder / "mod.py").write_text(SOURCE, encoding="utf-8")
    return folder


def _user_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "user-config" / "llm-doc" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _notices(stderr: str, key: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(f"llm-doc: ignored {key} ")]


# --- base-url: the API key and the code go where the user says -----------------------

@pytest.mark.parametrize("provider", [["--provider", "openai"], []],
                         ids=["--provider-openai", "only-OPENAI_API_KEY"])
def test_tree_base_url_receives_no_key_and_no_code(tmp_path: Path, server: FakeOpenAI,
                                                   proxy: _ProxyRecorder,
                                                   provider: list[str]) -> None:
    project = _project(tmp_path / "clone", f'base-url = "{server.base_url}"')
    result = _run(project, _env(tmp_path, proxy, OPENAI_API_KEY=KEY),
                  "generate", *provider, "--all", "--diff", "mod.py")
    assert server.seen == []  # not the key, not the code: nothing at all
    # The run went to the default server instead (and the proxy stopped it there).
    assert any(line.startswith("CONNECT api.openai.com:443 ") for line in proxy.lines), \
        (proxy.lines, result.stderr)
    notices = _notices(result.stderr, "base-url")
    assert len(notices) == 1, result.stderr
    assert str(project / "pyproject.toml") in notices[0]
    assert "LLM_DOC_TRUSTED_PROJECTS" in notices[0]
    assert KEY not in result.stderr + result.stdout
    assert "internal error" not in result.stderr


def test_quiet_still_names_the_ignored_key(tmp_path: Path, server: FakeOpenAI,
                                           proxy: _ProxyRecorder) -> None:
    project = _project(tmp_path / "clone", f'base-url = "{server.base_url}"')
    result = _run(project, _env(tmp_path, proxy, OPENAI_API_KEY=KEY),
                  "generate", "-q", "--provider", "openai", "--all", "--diff", "mod.py")
    assert server.seen == []
    assert len(_notices(result.stderr, "base-url")) == 1, result.stderr


@pytest.mark.parametrize("how", ["env", "env-parent", "env-star", "user-config"])
def test_trusted_project_base_url_is_honoured(tmp_path: Path, server: FakeOpenAI,
                                              proxy: _ProxyRecorder, how: str) -> None:
    project = _project(tmp_path / "src" / "mine", f'base-url = "{server.base_url}"')
    extra = {"OPENAI_API_KEY": KEY}
    if how == "env":
        extra["LLM_DOC_TRUSTED_PROJECTS"] = os.pathsep.join(["/nonexistent", str(project)])
    elif how == "env-parent":  # a folder trusts everything below it
        extra["LLM_DOC_TRUSTED_PROJECTS"] = str(tmp_path / "src")
    elif how == "env-star":
        extra["LLM_DOC_TRUSTED_PROJECTS"] = "*"
    else:
        _user_config(tmp_path, f"trusted-projects = [{str(project)!r}]\n")
    result = _run(project, _env(tmp_path, proxy, **extra),
                  "generate", "--provider", "openai", "--all", "--diff", "mod.py")
    assert result.returncode == 0, result.stderr
    assert server.seen, result.stderr
    assert {seen.headers.get("authorization") for seen in server.seen} == {f"Bearer {KEY}"}
    assert proxy.lines == []
    assert _notices(result.stderr, "base-url") == []


def test_user_config_tilde_is_expanded(tmp_path: Path, server: FakeOpenAI,
                                       proxy: _ProxyRecorder) -> None:
    home = tmp_path / "home"
    project = _project(home / "src" / "mine", f'base-url = "{server.base_url}"')
    _user_config(tmp_path, 'trusted-projects = ["~/src"]\n')
    result = _run(project, _env(tmp_path, proxy, OPENAI_API_KEY=KEY, HOME=str(home)),
                  "generate", "--provider", "openai", "--all", "--diff", "mod.py")
    assert result.returncode == 0, result.stderr
    assert server.seen, result.stderr


@pytest.mark.parametrize("how", ["path", "--config"])
def test_a_link_inside_a_trusted_folder_does_not_lend_its_trust(
        tmp_path: Path, server: FakeOpenAI, proxy: _ProxyRecorder, how: str) -> None:
    clone = _project(tmp_path / "clone", f'base-url = "{server.base_url}"')
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "vendored").symlink_to(clone, target_is_directory=True)
    args = ["--config", "vendored/pyproject.toml"] if how == "--config" else []
    result = _run(mine, _env(tmp_path, proxy, OPENAI_API_KEY=KEY,
                             LLM_DOC_TRUSTED_PROJECTS=str(mine)),
                  "generate", "--provider", "openai", *args, "--all", "--diff",
                  "vendored/mod.py")
    assert server.seen == [], result.stderr
    assert len(_notices(result.stderr, "base-url")) == 1, result.stderr


def test_trusted_entry_that_is_a_link_trusts_its_target_only(
        tmp_path: Path, server: FakeOpenAI, proxy: _ProxyRecorder) -> None:
    clone = _project(tmp_path / "clone", f'base-url = "{server.base_url}"')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The user trusts "link", which is a link to another folder: the clone, reached by its
    # real path, is not below the link's target.
    (tmp_path / "link").symlink_to(elsewhere, target_is_directory=True)
    (tmp_path / "link2").symlink_to(tmp_path / "clone", target_is_directory=True)
    result = _run(clone, _env(tmp_path, proxy, OPENAI_API_KEY=KEY,
                              LLM_DOC_TRUSTED_PROJECTS=str(tmp_path / "link")),
                  "generate", "--provider", "openai", "--all", "--diff", "mod.py")
    assert server.seen == [], result.stderr


def test_flags_and_environment_are_the_users(tmp_path: Path, server: FakeOpenAI) -> None:
    project = _project(tmp_path / "clone", 'base-url = "http://127.0.0.1:9/v1"')
    for extra, flags in (({"LLM_DOC_BASE_URL": server.base_url}, []),
                         ({"OPENAI_BASE_URL": server.base_url}, []),
                         ({}, ["--base-url", server.base_url])):
        before = len(server.seen)
        result = _run(project, _env(tmp_path, OPENAI_API_KEY=KEY, **extra),
                      "generate", "--provider", "openai", *flags, "--no-cache", "--all",
                      "--diff", "mod.py")
        assert result.returncode == 0, result.stderr
        assert len(server.seen) > before, (extra, flags, result.stderr)


def test_user_config_settings_are_trusted_defaults(tmp_path: Path, server: FakeOpenAI,
                                                   proxy: _ProxyRecorder) -> None:
    project = _project(tmp_path / "clone", "")
    _user_config(tmp_path, f'provider = "openai"\nbase-url = "{server.base_url}"\n')
    result = _run(project, _env(tmp_path, proxy, OPENAI_API_KEY=KEY),
                  "generate", "--all", "--diff", "mod.py")
    assert result.returncode == 0, result.stderr
    assert server.seen, result.stderr


# --- azure-endpoint -------------------------------------------------------------------

def test_tree_azure_endpoint_receives_no_key(tmp_path: Path, server: FakeOpenAI,
                                             proxy: _ProxyRecorder) -> None:
    project = _project(tmp_path / "clone",
                       f'provider = "azure"\nmodel = "dep"\nazure-endpoint = "{server.endpoint}"')
    result = _run(project, _env(tmp_path, proxy, AZURE_OPENAI_API_KEY=AZURE_KEY),
                  "generate", "--all", "--diff", "mod.py")
    assert server.seen == []
    assert result.returncode == 2, result.stderr  # no endpoint of the user's: a usage error
    assert len(_notices(result.stderr, "azure-endpoint")) == 1, result.stderr
    assert "internal error" not in result.stderr


def test_trusted_project_azure_endpoint_is_honoured(tmp_path: Path, server: FakeOpenAI,
                                                    proxy: _ProxyRecorder) -> None:
    project = _project(tmp_path / "clone",
                       f'provider = "azure"\nmodel = "dep"\nazure-endpoint = "{server.endpoint}"')
    result = _run(project, _env(tmp_path, proxy, AZURE_OPENAI_API_KEY=AZURE_KEY,
                                LLM_DOC_TRUSTED_PROJECTS=str(project)),
                  "generate", "--all", "--diff", "mod.py")
    assert result.returncode == 0, result.stderr
    assert {seen.headers.get("api-key") for seen in server.seen} == {AZURE_KEY}


# --- cache-dir: the tool's state stays in the user's cache folder -------------------

def _cache_commands() -> list[list[str]]:
    return [["validate", "--all", "mod.py"], ["calls", "--order", "mod.py"],
            ["generate", "--all", "--diff", "mod.py"], ["cache", "stats"]]


def test_tree_cache_dir_is_not_used(tmp_path: Path) -> None:
    project = _project(tmp_path / "clone", 'cache-dir = ".llmcache"')
    env = _env(tmp_path)
    for command in _cache_commands():
        result = _run(project, env, *command)
        assert result.returncode in (0, 1), (command, result.stderr)
        assert len(_notices(result.stderr, "cache-dir")) == 1, (command, result.stderr)
        assert not (project / ".llmcache").exists(), command
        if command[0] == "cache":
            assert str(tmp_path / "user-cache" / "llm-doc") in result.stdout
    assert (tmp_path / "user-cache" / "llm-doc").is_dir()


def test_trusted_project_cache_dir_is_used(tmp_path: Path) -> None:
    project = _project(tmp_path / "mine", 'cache-dir = ".llmcache"')
    env = _env(tmp_path, LLM_DOC_TRUSTED_PROJECTS=str(project))
    for command in _cache_commands():
        result = _run(project, env, *command)
        assert result.returncode in (0, 1), (command, result.stderr)
        assert _notices(result.stderr, "cache-dir") == []
    assert (project / ".llmcache").is_dir()
    assert not (tmp_path / "user-cache" / "llm-doc").exists()


# --- baseline: read and written inside the project only -----------------------------

@pytest.mark.parametrize("where", ["relative", "absolute", "link"])
def test_tree_baseline_outside_the_project_is_not_written(tmp_path: Path, where: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's file\n")
    value = {"relative": "../victim.txt", "absolute": str(victim), "link": "b.json"}[where]
    project = _project(tmp_path / "clone", f"baseline = {value!r}")
    if where == "link":
        (project / "b.json").symlink_to(victim)
    result = _run(project, _env(tmp_path), "validate", "--all", "--write-baseline", "mod.py")
    assert victim.read_text() == "the user's file\n"
    assert result.returncode == 2, result.stderr  # --write-baseline now has no file
    assert len(_notices(result.stderr, "baseline")) == 1, result.stderr


def test_tree_baseline_inside_the_project_is_used(tmp_path: Path) -> None:
    project = _project(tmp_path / "clone", 'baseline = "ci/baseline.json"')
    (project / "ci").mkdir()
    result = _run(project, _env(tmp_path), "validate", "--all", "--write-baseline", "mod.py")
    assert result.returncode == 0, result.stderr
    assert (project / "ci" / "baseline.json").is_file()
    assert _notices(result.stderr, "baseline") == []


# --- crashes: any depth is a configuration error ------------------------------------

def _deep(kind: str) -> str:
    if kind == "arrays":
        return "[tool.llm-doc]\nexclude = " + "[" * DEEP + "]" * DEEP + "\n"
    return "[tool.llm-doc]\nexclude = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n"


@pytest.mark.parametrize("kind", ["arrays", "tables"])
def test_deeply_nested_pyproject_is_a_configuration_error(tmp_path: Path, kind: str) -> None:
    project = tmp_path / "clone"
    project.mkdir()
    (project / "pyproject.toml").write_text(_deep(kind))
    (project / "mod.py").write_text(SOURCE)
    env = _env(tmp_path)
    for command in (["generate", "--diff", "mod.py"], ["validate", "mod.py"],
                    ["calls", "--order", "mod.py"], ["cache", "stats"],
                    ["report", "--output", "-", "."]):
        result = _run(project, env, *command)
        assert result.returncode == 2, (command, result.stderr)
        assert "internal error" not in result.stderr, command
        assert "RecursionError" not in result.stderr, command
        assert str(project / "pyproject.toml") in result.stderr, (command, result.stderr)
        assert "nested" in result.stderr, (command, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, (command, result.stderr)


def test_deeply_nested_pyproject_of_a_cloned_repository_is_skipped(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text(_deep("tables"))
    (repo / "mod.py").write_text(SOURCE)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(repo)]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "deep"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    result = _run(tmp_path, _env(tmp_path), "report", "--output", "-", repo.as_uri())
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
    assert "mod.py" in result.stdout


def test_deeply_nested_user_config_is_a_configuration_error(tmp_path: Path) -> None:
    project = _project(tmp_path / "mine", "")
    user = _user_config(tmp_path, "trusted-projects = " + "[" * DEEP + "]" * DEEP + "\n")
    result = _run(project, _env(tmp_path), "validate", "mod.py")
    assert result.returncode == 2, result.stderr
    assert str(user) in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("text", ["trusted-projects = 3\n", "trusted-projects = [1]\n",
                                  'trusted-projects = ["relative/path"]\n',
                                  "baseline = 'b.json'\n", "no-such-key = 1\n",
                                  "not toml\n"])
def test_bad_user_config_is_a_configuration_error(tmp_path: Path, text: str) -> None:
    project = _project(tmp_path / "mine", "")
    user = _user_config(tmp_path, text)
    result = _run(project, _env(tmp_path), "validate", "mod.py")
    assert result.returncode == 2, result.stderr
    assert str(user) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_relative_trusted_project_in_environment_is_a_configuration_error(
        tmp_path: Path) -> None:
    project = _project(tmp_path / "mine", "")
    result = _run(project, _env(tmp_path, LLM_DOC_TRUSTED_PROJECTS="relative"),
                  "validate", "mod.py")
    assert result.returncode == 2, result.stderr
    assert "LLM_DOC_TRUSTED_PROJECTS" in result.stderr


def test_deeply_nested_baseline_is_a_configuration_error(tmp_path: Path) -> None:
    project = _project(tmp_path / "clone", 'baseline = "baseline.json"')
    (project / "baseline.json").write_text("[" * 100_000 + "]" * 100_000)
    result = _run(project, _env(tmp_path), "validate", "--all", "mod.py")
    assert result.returncode == 2, result.stderr
    assert "internal error" not in result.stderr
    assert str(project / "baseline.json") in result.stderr


def test_report_of_a_folder_sends_nothing_to_its_base_url(tmp_path: Path, server: FakeOpenAI,
                                                         proxy: _ProxyRecorder) -> None:
    project = _project(tmp_path / "clone", f'base-url = "{server.base_url}"')
    result = _run(tmp_path, _env(tmp_path, proxy, OPENAI_API_KEY=KEY),
                  "report", "--provider", "openai", "--output", "-", str(project))
    assert server.seen == [], result.stderr
    assert len(_notices(result.stderr, "base-url")) == 1, result.stderr
    assert "internal error" not in result.stderr
