"""Where a report's code comes from: a local folder, or a repository URL cloned safely.

A URL is cloned with the real ``git`` into a temporary folder that is always removed. Only
``https://``, ``ssh://``, ``user@host:path`` and ``file://`` are accepted; anything that
could make git run a command or read an option (an argument starting with ``-``, the
``ext::`` and other ``transport::`` forms, other protocols, also in submodules) is refused
before git sees it, and ``GIT_ALLOW_PROTOCOL`` holds git to the same list. Credentials in
a URL are used by git but never shown: messages, the report and git's own error output
carry the URL with them removed.

git clones with no system or user configuration (``GIT_CONFIG_GLOBAL=/dev/null``): a
filter, diff driver or hook the user defined for their own work would otherwise run on
the clone, chosen by the repository's ``.gitattributes``. Only the user's network
settings are passed on (``user_network_config``), so private repositories still clone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from llm_doc_manager.report.history import SAFE_CONFIG

_SCHEMES = ("https", "ssh", "file")
# ``user@host:path`` (scp-like): git reads it as ssh when no slash comes before the colon.
_SCP = re.compile(r"^(?P<user>[A-Za-z0-9_~][A-Za-z0-9._~-]*)@"
                  r"(?P<host>[A-Za-z0-9][A-Za-z0-9.-]*):(?P<path>[^:].*)$")
_SHA = re.compile(r"^[0-9a-fA-F]{7,40}$")
_REF = re.compile(r"^[A-Za-z0-9._/][A-Za-z0-9._/+-]*$")
# The user's settings a clone keeps: how to reach and authenticate to a host (credential
# helpers, proxies, certificates, URL rewrites, the ssh command) and object checks. Each
# is the user's own choice and none can be selected by a repository's content; filters,
# diff drivers, hooks, templates, aliases and the file-system monitor are left out.
_NETWORK = re.compile(r"(credential|http|url)\..*|core\.sshcommand|ssh\.variant"
                      r"|(transfer|fetch)\.fsck.*|transfer\.credentialsinurl")


class OriginError(Exception):
    """The input cannot be used (refused, or the clone failed); the message is safe to show.

    Args:
        message: What went wrong, credentials removed.
        usage: True for a refused argument (exit 2), False for a failure (exit 1).
    """

    def __init__(self, message: str, usage: bool) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class Origin:
    """A checked input.

    Attributes:
        url: The URL to clone, credentials included (None for a local folder).
        shown: What messages and the report may say: the path, or the URL without
            credentials.
        path: The local folder (None for a URL).
    """

    url: str | None
    shown: str
    path: Path | None


def redact(url: str) -> str:
    """A URL with any user name and password removed (``https://***@host/...``)."""
    parts = urlsplit(url)
    if parts.scheme and "@" in parts.netloc:
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"***@{host}"))
    return url


def check(argument: str) -> Origin:
    """Tell a local folder from a URL and refuse anything unsafe.

    Args:
        argument: ``PATH_OR_URL`` as given.

    Returns:
        The input.

    Raises:
        OriginError: If it is neither an existing folder nor an accepted URL.
    """
    if argument.startswith("-"):
        raise OriginError(f"refused {argument!r}: it would be read as an option", True)
    if "::" in argument.split("/", 1)[0] or re.match(r"^[A-Za-z][\w+.-]*::", argument):
        raise OriginError(f"refused {redact(argument)!r}: transport helpers (ext::, fd::) "
                          "are not allowed", True)
    if any(ord(c) < 32 for c in argument):
        raise OriginError("refused a URL with control characters", True)
    local = Path(argument)
    scheme = urlsplit(argument).scheme.lower() if "://" in argument else ""
    if not scheme and not _SCP.match(argument):
        if local.is_dir():
            return Origin(None, argument, local)
        if local.exists():
            raise OriginError(f"{argument}: not a folder", True)
        raise OriginError(f"{argument}: no such folder, and not a repository URL (https://, "
                          "ssh://, user@host:path or file://)", True)
    if local.exists():
        raise OriginError(f"refused {redact(argument)!r}: a local path that reads as a URL "
                          f"(write ./{argument} for the folder)", True)
    if scheme and scheme not in _SCHEMES:
        raise OriginError(f"refused {redact(argument)!r}: only https://, ssh://, "
                          "user@host:path and file:// URLs are cloned", True)
    if scheme and not urlsplit(argument).netloc and scheme != "file":
        raise OriginError(f"refused {redact(argument)!r}: no host", True)
    host = urlsplit(argument).hostname or "" if scheme else ""
    user = urlsplit(argument).username or "" if scheme else ""
    if host.startswith("-") or user.startswith("-") or "@-" in argument:
        # ssh would read ``-oProxyCommand=…`` as an option (git refuses it too).
        raise OriginError(f"refused {redact(argument)!r}: a host or user starting with '-'",
                          True)
    return Origin(argument, redact(argument), None)


def user_network_config() -> list[tuple[str, str]]:
    """The user's git settings a clone keeps (``_NETWORK``), in their order.

    Read from the user's global configuration (``GIT_CONFIG_GLOBAL`` or ``~/.gitconfig``,
    its includes followed), as git would read it for the user's own clone.

    Returns:
        ``(key, value)`` pairs, repeated keys (several credential helpers) kept in order;
        none when git is missing or the user has no such settings.
    """
    try:
        done = subprocess.run(["git", "config", "--global", "--includes", "-z",
                               "--get-regexp", "."], capture_output=True, text=True,
                              errors="replace", cwd=tempfile.gettempdir(), timeout=60,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    found = []
    for entry in done.stdout.split("\0"):
        key, _, value = entry.partition("\n")  # -z: the key, a newline, the value
        if key and _NETWORK.fullmatch(key):
            found.append((key, value))
    return found


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        "GIT_ALLOW_PROTOCOL": "https:ssh:file",  # submodules and redirects included
        "GIT_TERMINAL_PROMPT": "0",               # never wait for a password
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",         # no filter or hook of the user's
        "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes"),
    })
    # In the environment rather than as -c: a proxy password or an extra header does
    # not show in the process list.
    settings = user_network_config()
    env["GIT_CONFIG_COUNT"] = str(len(settings))
    for number, (key, value) in enumerate(settings):
        env[f"GIT_CONFIG_KEY_{number}"] = key
        env[f"GIT_CONFIG_VALUE_{number}"] = value
    return env


# The accepted protocols, as configuration too (GIT_ALLOW_PROTOCOL already wins over it).
_PROTOCOLS = ("-c", "protocol.allow=never", "-c", "protocol.https.allow=always",
              "-c", "protocol.ssh.allow=always", "-c", "protocol.file.allow=always")


def _scrub(text: str, url: str) -> str:
    """git's output with the URL's credentials removed wherever they appear."""
    shown = redact(url)
    text = text.replace(url, shown)
    parts = urlsplit(url)
    if "@" in parts.netloc:
        secret = parts.netloc.rpartition("@")[0]
        for piece in {secret, *secret.split(":")}:
            if piece:
                text = text.replace(piece, "***")
    return text


def _run(args: list[str], url: str, cwd: Path | None = None) -> None:
    try:
        done = subprocess.run(["git", *SAFE_CONFIG, *_PROTOCOLS, *args], cwd=cwd,
                              env=_env(), capture_output=True, text=True, errors="replace",
                              timeout=600, check=False)
    except FileNotFoundError:
        raise OriginError("git is not installed: cannot clone", False) from None
    except subprocess.TimeoutExpired:
        raise OriginError(f"cloning {redact(url)} took more than 10 minutes", False) from None
    if done.returncode != 0:
        why = _scrub(done.stderr.strip() or done.stdout.strip(), url)
        raise OriginError(f"cannot clone {redact(url)}: {why}", False)


@contextlib.contextmanager
def checkout(origin: Origin, depth: int = 100, ref: str | None = None) -> Iterator[Path]:
    """The input's folder: the local one, or a fresh clone removed afterwards.

    Args:
        origin: What ``check`` returned.
        depth: Commits whose changes the history shows (one more is fetched: the
            boundary); 0: the whole history.
        ref: A branch, tag or commit to check out (default: the remote's default branch).

    Yields:
        The folder to report on.

    Raises:
        OriginError: If the ref is refused or git fails.
    """
    if origin.url is None:
        assert origin.path is not None
        yield origin.path
        return
    if ref is not None and not _REF.match(ref):
        raise OriginError(f"refused ref {ref!r}", True)
    folder = Path(tempfile.mkdtemp(prefix="llm-doc-report-"))
    try:
        target = folder / "repo"
        # One commit more than asked: the oldest fetched is a boundary commit whose change
        # cannot be known (its parent is missing), so the history shows the ``depth`` newest.
        shallow = ["--depth", str(depth + 1)] if depth > 0 else []
        if ref is not None and _SHA.match(ref):
            # A commit cannot be named by --branch: fetch it alone.
            target.mkdir()
            _run(["init", "-q"], origin.url, target)
            _run(["fetch", "-q", *shallow, "--", origin.url, ref], origin.url, target)
            _run(["checkout", "-q", "FETCH_HEAD"], origin.url, target)
        else:
            branch = ["--branch", ref] if ref is not None else []
            _run(["clone", "-q", "--single-branch", "--no-recurse-submodules", *shallow,
                  *branch, "--", origin.url, str(target)], origin.url)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)
