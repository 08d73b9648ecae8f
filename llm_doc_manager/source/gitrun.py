"""The one way the package runs ``git`` on a local repository: nothing it configures runs.

Shared by the report's history (``report.history``, ``report.origin``) and ``--since``
(``source.since``). A repository is treated as hostile: its own ``.git/config`` is still read
by git, so every setting that could make git start a program is overridden on the command
line (command-line scope wins over the repository's), the system and user configuration are
not read, and every command has a time limit and, where asked, a limit on its output.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

#: ``-c`` settings given to every git command: no setting of the tree makes git run a
#: program: signatures are never checked (gpg.program, gpg.ssh.program), no file-system
#: monitor, no hooks, no pager, no external diff program. Filters and textconv are named
#: per command (``source.since`` turns off the repository's filters; ``--no-textconv``).
SAFE_CONFIG: tuple[str, ...] = (
    "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.pager=cat",
    "-c", "log.showSignature=false", "-c", "i18n.logOutputEncoding=UTF-8",
    "-c", "diff.external=",
    # Rename detection is quadratic in the files of a commit: git's own default bound, not
    # whatever the repository sets.
    "-c", "diff.renameLimit=1000",
)


def git_env() -> dict[str, str]:
    """The environment of a git command on a local repository: no system or user
    configuration (their filters, pagers, diff drivers), no prompts, C locale."""
    return {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def run_git(root: Path, args: tuple[str, ...], timeout: float,
            limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``git -C root`` safely; a run past ``timeout`` or ``limit`` is killed.

    Args:
        root: The folder git runs in.
        args: The command and its arguments, after the safe settings.
        timeout: Seconds the command may take.
        limit: Most characters of output kept (None: no limit).

    Returns:
        The finished command; return code -1 and stderr ``timed out`` or ``output too
        large`` when it was stopped. Bytes that are not UTF-8 are decoded as
        ``os.fsdecode`` decodes a file name, so such a path matches.

    Raises:
        OSError: If git cannot be started (not installed).
    """
    # The same output wherever it runs (no user pager, colours or diff driver), and no
    # program named by the repository's own configuration (SAFE_CONFIG).
    command = ["git", "-C", str(root), "--no-pager", *SAFE_CONFIG, *args]
    if limit is None:
        try:
            return subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                                  errors="surrogateescape", env=git_env(), check=False,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(command, -1, "", "timed out")
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, env=git_env()) as process:
        stdout, stderr = process.stdout, process.stderr
        if stdout is None or stderr is None:  # both were asked for: cannot happen
            raise OSError("git: no output pipe")
        # stderr is read aside so a chatty git cannot block on a full pipe; the timer kills
        # a git that never ends, and reading stops (and kills it) past the limit.
        errors: list[bytes] = []
        reader = threading.Thread(target=lambda: errors.append(stderr.read(1 << 16)),
                                  daemon=True)
        reader.start()
        fired = threading.Event()

        def stop() -> None:
            fired.set()
            process.kill()

        timer = threading.Timer(timeout, stop)
        timer.start()
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := stdout.read(1 << 16):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    process.kill()
                    return subprocess.CompletedProcess(command, -1, "", "output too large")
            code = process.wait()
        finally:
            timer.cancel()
        reader.join(timeout)
    if fired.is_set():
        return subprocess.CompletedProcess(command, -1, "", "timed out")
    return subprocess.CompletedProcess(
        command, code, b"".join(chunks).decode("utf-8", "surrogateescape"),
        b"".join(errors).decode("utf-8", "surrogateescape"))
