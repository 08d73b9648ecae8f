"""The Batch API from the command line: ``generate --batch|--batch-file|--batch-results``
(and ``--batch --dry-run``) and ``llm-doc batch list|status|cancel|prune``.

``generate`` builds a ``BatchRun`` from its options; the run's first pass goes through the
answer cache with ``providers.batch.BatchAsker`` in place of the model: what the cache
answers is answered, the rest is collected. ``BatchRun.after`` then writes the input files,
or submits them and polls, and, once answers are at hand, hands back the provider of a
second pass that reads them (``generate`` applies its results as any run's). A dry run
stops after the first pass (and, with call context, a second one that estimates the later
waves) and prints what the batch would cost; a real run ends by pruning the kept answers
the answer cache now holds (``providers.batch.prune``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from llm_doc_manager.cli.args import FINDINGS, USAGE
from llm_doc_manager.cli.text import plural
from llm_doc_manager.config import Settings, load_settings
from llm_doc_manager.errors import ConfigError, ProviderError
from llm_doc_manager.generate import FileResult
from llm_doc_manager.generate.outcomes import FileChange, FileError, Status
from llm_doc_manager.providers import Provider
from llm_doc_manager.providers.answer_cache import make_key
from llm_doc_manager.providers.batch import (
    KEEP_APPLIED_DAYS,
    MAX_BYTES,
    MAX_REQUESTS,
    BatchAsker,
    Busy,
    Pruned,
    Results,
    Service,
    StateLock,
    States,
    Submission,
    Tracked,
    downloaded,
    input_line,
    now,
    numbered,
    prune,
    read_results,
    scope_of,
    split_lines,
    write_file,
)
from llm_doc_manager.providers.cached import CachedProvider
from llm_doc_manager.providers.cost import (
    BATCH_PRICE_SHARE,
    Estimate,
    Price,
    describe,
    dollars,
    unpriced,
)
from llm_doc_manager.providers.model import ModelProvider, resolve_settings
from llm_doc_manager.store import cache_dir

#: How every batch input file this tool writes begins (``input_line``).
_OURS = b'{"custom_id":"llm-doc-'


class _Say(Protocol):
    def print(self, *objects: Any, **kwargs: Any) -> None: ...


class BatchRun:
    """A ``generate`` run with one of the Batch API options.

    Args:
        mode: ``batch``, ``file`` or ``results``.
        asker: The model provider's stand-in.
        cached: The answer cache wrapper around it (None with ``--no-cache``).
        settings: The run's settings.
        target: ``--batch-file``'s path.
        dry_run: Send, upload and write nothing: print what the batch would do and cost.

    Attributes:
        provider: The provider of the run's first pass.
        code: The exit code when ``after`` says the command is done.
        done: Whether ``after`` found the command done (nothing more to run).
        waiting: Regions of the first pass that wait for the answers of what they call.
    """

    def __init__(self, mode: str, asker: BatchAsker, cached: CachedProvider | None,
                 settings: Settings, target: Path | None = None, dry_run: bool = False) -> None:
        self.mode = mode
        self.asker = asker
        self.cached = cached
        self.settings = settings
        self.target = target
        self.dry_run = dry_run
        self._first = Tracked(cached if cached is not None else asker, asker)
        self.provider: Provider = self._first
        self.code = 0
        self.done = False
        self.waiting = 0
        self._answers: BatchAsker | None = asker if asker.results is not None else None
        self._second: Tracked | None = None  # the pass that reads the answers
        self._dry: _DryRun | None = None
        self._lock: StateLock | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace, chosen: Provider, settings: Settings,
                  stdin: bool) -> BatchRun | None:  # noqa: LD342 - raised by _results
        """The batch run the options ask for, or None.

        Args:
            args: ``generate``'s options.
            chosen: The provider built for the run.
            settings: The run's settings.
            stdin: Whether the code comes from stdin.

        Returns:
            The batch run, or None without a Batch API option.

        Raises:
            ConfigError: When the options cannot go together, the provider is not a model's,
                or a results file cannot be read.
        """
        given = [name for name, on in (("--batch", args.batch),
                                       ("--batch-file", args.batch_file is not None),
                                       ("--batch-results", bool(args.batch_results))) if on]
        if not given:
            return None
        dry_run = bool(getattr(args, "dry_run", False))
        if dry_run and args.batch_results:
            raise ConfigError("--batch-results and --dry-run cannot be combined: applying "
                              "answers sends nothing and costs nothing (--diff shows what "
                              "they would change)")
        if len(given) > 1:
            raise ConfigError(f"{' and '.join(given)} cannot be combined")
        inner = chosen.inner if isinstance(chosen, CachedProvider) else chosen
        if not isinstance(inner, ModelProvider):
            raise ConfigError(f"{given[0]} needs the openai or azure provider, not "
                              f"{chosen.name!r}")
        if stdin:
            raise ConfigError(f"{given[0]} cannot be used with code on stdin")
        if args.batch and not isinstance(chosen, CachedProvider):
            raise ConfigError("--batch keeps its answers and state in the cache folder: it "
                              "cannot run with --no-cache")
        results = _results(args.batch_results) if args.batch_results else None
        # A dry run asks the server nothing, not even which model it serves (as the direct
        # dry run: the last run's word stands for it, see ``ModelProvider.identify``).
        inner.dry_run = dry_run
        # Estimates count tokens as the direct dry run's do (max-cost prices a submission).
        count = (inner.settings.kind, inner.model, settings.azure_model) \
            if dry_run or settings.max_cost is not None else None
        asker = BatchAsker(inner, results, offline=dry_run or not args.batch, count_with=count)
        cached = CachedProvider(asker, chosen.cache) if isinstance(chosen, CachedProvider) \
            else None
        mode = "batch" if args.batch else "file" if args.batch_file is not None else "results"
        return cls(mode, asker, cached, settings, args.batch_file, dry_run)

    def hold(self) -> None:
        """Take the batch state for this run, before its first pass reads the answer cache.

        Only a ``--batch`` run that submits and applies does: from the cache lookups of its
        first pass to its last prune, another run must neither prune what it has not read
        nor submit what it is about to (docs/batch.md). ``close`` lets go.

        Raises:
            Busy: When another run holds it.
            ConfigError: When the cache folder cannot be used.
        """
        if self.mode != "batch" or self.dry_run or self._lock is not None:
            return
        try:
            self._lock = StateLock(States(cache_dir(self.settings)))
        except OSError as exc:
            raise ConfigError(f"cannot lock the batch state: {exc.strerror or exc}") from None

    def close(self) -> None:
        """Let another run take the batch state (``hold``)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def after(self, results: list[FileResult], err: _Say) -> Provider | None:
        """What follows the first pass: files written, a submission, or the answers.

        Args:
            results: The first pass's results.
            err: Where messages go.

        Returns:
            The provider of a second pass that answers from the results; None when the
            first pass's results are the run's (nothing was queued) or the command is done
            (``code`` is then set, and ``done`` is True).
        """
        self.done = False
        self.waiting = sum(1 for r in results if isinstance(r, FileChange)
                           for region in r.regions if region.status is Status.FAILED and
                           region.message.startswith("waits for the answers"))
        if self._answers is not None and self._answers is self.asker:
            self._problems(err, self.asker.results, unused=True)
            return None
        collected = self.asker.collected
        for finding in (f for r in results if isinstance(r, FileError) for f in r.findings):
            err.print(finding.render())
        broken = any(isinstance(r, FileError) for r in results)
        if self.dry_run:
            return self._estimate(broken, err)
        if not collected and self.mode == "batch":
            self._prune(err)
        if not collected:
            if self.mode == "file":
                err.print("Nothing to ask: the cache answers every region (run without "
                          "--batch-file to apply them); no file was written.")
                self.done, self.code = True, FINDINGS if broken else 0
            return None
        if self.mode == "file":
            self.done = True
            self.code = self._write(err) if self.target is not None else USAGE
            if self.code == 0 and broken:
                self.code = FINDINGS
            return None
        found = self._remote(err)
        if found is None:
            self._prune(err)
        return found

    def _later(self, err: _Say) -> None:
        """Say how many regions wait for the answers of what they call (a later batch)."""
        if self.waiting:
            err.print(f"{plural(self.waiting, 'region')} wait{'s' if self.waiting == 1 else ''} "
                      "for the answers of what they call: asked in a later batch, once these "
                      "answers are applied.")

    def next_wave(self, err: _Say) -> None:
        """After the answers are applied: submit what the run asked anew (the next wave).

        With call context, a function is asked once what it calls is answered; those
        requests, and any whose code changed since the batch went out, are submitted now.

        A dry run ends here instead: it says what the later waves would ask (``done`` is
        then set).

        Args:
            err: Where messages go.
        """
        if self._dry is not None:
            self._later_waves(self._dry, err)
            return
        asker = self._answers
        if self.mode == "batch":
            self._prune(err)
        if self.mode != "batch" or asker is None or not asker.collected:
            return
        inner = self.asker.inner
        if self._over_budget(list(asker.collected), asker, err):
            return
        service = Service(inner)
        try:
            states = States(cache_dir(self.settings))
            self._submit(service, states, scope_of(inner), list(asker.collected), err,
                         asker)
        except (ConfigError, ProviderError) as exc:
            err.print(f"error: the next batch was not submitted: {exc}")
        except OSError as exc:
            err.print(f"error: the next batch was not submitted: cannot keep the batch state: "
                      f"{exc.strerror or exc}")
        finally:
            service.close()

    def _write(self, err: _Say) -> int:
        """Write the collected requests as Batch API input files."""
        assert self.target is not None
        lines = [input_line(key, body, self.asker.url)
                 for key, body in self.asker.collected.items()]
        files = split_lines(lines)
        paths = numbered(self.target, len(files))
        for path in paths:
            if _not_ours(path):
                err.print(f"error: {path} exists and is not a batch file written by llm-doc: "
                          "not overwritten; nothing was written")
                return USAGE
        mask = os.umask(0)  # what a new file of the user's gets, as any other tool writes it
        os.umask(mask)
        try:
            for path, chunk in zip(paths, files, strict=True):
                write_file(path, chunk, 0o666 & ~mask)
        except OSError as exc:
            err.print(f"error: cannot write {exc.filename or self.target}: "
                      f"{exc.strerror or exc}")
            return USAGE
        stale = numbered(self.target, len(files) + 1)[-1]
        shown = paths[0] if len(paths) == 1 else f"{paths[0]} … {paths[-1]}"
        err.print(f"Wrote {plural(len(lines), 'request')} to {shown} ({plural(len(paths), 'file')}"
                  f"); nothing was sent and no source file was changed. Apply the answers "
                  f"with --batch-results.")
        self._later(err)
        if stale.exists():
            err.print(f"note: {stale} is left from an earlier run: it is not part of this "
                      "batch")
        return 0

    def _remote(self, err: _Say) -> Provider | None:
        """Submit what no submission holds, poll, and hand back the answers once all are in."""
        inner = self.asker.inner
        try:
            states = States(cache_dir(self.settings))
        except ConfigError as exc:
            err.print(f"error: {exc}")
            self.done, self.code = True, USAGE
            return None
        wanted = dict.fromkeys(self.asker.collected)
        scope = scope_of(inner)
        mine = [s for s in states.all() if s.scope == scope]
        # Answers already downloaded (a run that stopped before it applied them all).
        saved = Results()
        for submission in mine:
            if submission.applied and not wanted.keys().isdisjoint(submission.ids):
                _read_saved(states, submission, saved)
        answered = {k for k, o in saved.outcomes.items() if o.body is not None}
        active = [s for s in mine if not s.applied and not wanted.keys().isdisjoint(s.ids)]
        covered = {k for s in active for k in s.ids}
        fresh = [k for k in wanted if k not in covered and k not in answered]
        if fresh and self._over_budget(fresh, self.asker, err):
            self.done, self.code = True, FINDINGS
            return None
        service = Service(inner)
        try:
            if fresh:
                active.append(self._submit(service, states, scope, fresh, err))
            for submission in active:
                if not submission.done:
                    for part in submission.batches:
                        if part.status not in ("completed", "failed", "expired", "cancelled"):
                            service.refresh(part)
                    states.save(submission)
            waiting = [s for s in active if not s.done]
            if waiting:
                for submission in waiting:
                    err.print(f"batch {submission.key[:12]}: {submission.status} "
                              f"({plural(len(submission.ids), 'request')}, "
                              f"{', '.join(p.id for p in submission.batches)})")
                err.print(f"Waiting for the Batch API: {plural(len(wanted), 'region')} to "
                          "answer; run the same command again to apply the answers once "
                          "the batches are completed (`llm-doc batch list` shows them). "
                          "Nothing was written.")
                self._later(err)
                self.done, self.code = True, FINDINGS
                return None
            got = downloaded(service, active)
        except ProviderError as exc:
            err.print(f"error: {exc}; nothing was written.")
            self.done, self.code = True, USAGE
            return None
        except OSError as exc:
            err.print(f"error: cannot keep the batch state in {states.folder}: "
                      f"{exc.strerror or exc}; nothing was written.")
            self.done, self.code = True, USAGE
            return None
        finally:
            service.close()
        for submission in active:
            _save_results(states, submission, got)
            submission.applied = True
            states.save(submission)
        for key, outcome in saved.outcomes.items():
            if key not in got.outcomes or got.outcomes[key].body is None:
                got.outcomes[key] = outcome
        self._problems(err, got, unused=False)
        # The second pass counts its cache hits again: the first pass's are superseded.
        inner.usage.cache_hits = 0
        self._answers = BatchAsker(inner, got, offline=False)
        assert self.cached is not None
        self._second = Tracked(CachedProvider(self._answers, self.cached.cache), self._answers)
        return self._second

    def _prune(self, err: _Say) -> None:
        """Drop the kept answers the answer cache now holds, and old applied submissions.

        Called once the run's answers are cached (after the pass that read them): a stop
        before leaves every answer kept, and the next run prunes what its cache answers.
        """
        done = set(self._first.cached)
        if self._second is not None:
            done |= self._second.cached
        if self._answers is not None:
            done |= self._answers.unusable
        try:
            states = States.peek(cache_dir(self.settings))
            if states is not None:
                prune(states, done, scope_of(self.asker.inner),
                      now() - KEEP_APPLIED_DAYS * 86400)
        except (ConfigError, OSError) as exc:
            said = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            err.print(f"warning: the batch state was not pruned: {said}")

    def _submitted(self) -> set[str]:
        """The collected requests a kept submission already holds (polled, or read back)."""
        states = States.peek(cache_dir(self.settings))
        if states is None:
            return set()
        scope = scope_of(self.asker.inner)
        wanted = self.asker.collected.keys()
        held: set[str] = set()
        for submission in states.all():
            if submission.scope != scope or wanted.isdisjoint(submission.ids):
                continue
            if not submission.applied:
                held.update(k for k in submission.ids if k in wanted)
            else:
                saved = Results()
                _read_saved(states, submission, saved)
                held.update(k for k, o in saved.outcomes.items()
                            if o.body is not None and k in wanted)
        return held

    def _estimate(self, broken: bool, err: _Say) -> Provider | None:
        """A dry run's first wave: what would be submitted, in how many files, at what cost."""
        try:
            # --batch-file writes what the cache does not answer, whatever was submitted.
            held = self._submitted() if self.mode == "batch" else set()
        except ConfigError as exc:
            err.print(f"error: {exc}")
            self.done, self.code = True, USAGE
            return None
        asker = self.asker
        fresh = [k for k in asker.collected if k not in held]
        estimate = _estimate_of(asker, fresh)
        cached = asker.inner.usage.cache_hits
        price = _batch_price(asker.inner.settings.price)
        for line in describe(estimate, cached, asker.inner.model, price, asker.inner.tokens):
            _out(line)
        files = split_lines(input_line(k, asker.collected[k], asker.url) for k in fresh)
        size = sum(len(line) for lines in files for line in lines)
        where = "the Batch API" if self.target is None else \
            ", ".join(str(p) for p in numbered(self.target, len(files)))
        _out("batch: " + (f"{plural(len(fresh), 'request')} in "
                          f"{plural(len(files), 'input file')} ({_size(size)}) for {where} "
                          f"(at most {MAX_REQUESTS:,} requests / {MAX_BYTES >> 20} MB a "
                          "file); " if fresh else "nothing to submit; ")
             + (f"{plural(len(held), 'request')} already in a submission kept in the cache "
                "folder (polled or read back, not paid again); " if self.mode == "batch"
                else "")
             + "nothing was uploaded and no file or state was written")
        self._dry = _DryRun(fresh, broken)
        if self.waiting:
            # With call context the callers of what this wave asks wait for its answers:
            # a second pass asks them at once (their prompts without those answers) so that
            # the later waves can be estimated too. Nothing is sent in it either.
            second = BatchAsker(asker.inner, None, offline=True, defer=False)
            self._dry.asker = second
            return Tracked(CachedProvider(second, self.cached.cache)
                           if self.cached is not None else second, second)
        self._finish_dry(self._dry, err)
        return None

    def _later_waves(self, dry: _DryRun, err: _Say) -> None:
        """A dry run's later waves, estimated from the second pass; then its verdict."""
        assert dry.asker is not None
        first = set(dry.fresh)
        later = [k for k in dry.asker.collected if k not in first and
                 k not in self.asker.collected]
        dry.later = _estimate_of(dry.asker, later)
        price = _batch_price(self.asker.inner.settings.price)
        later_cost = price.cost(dry.later.prompt_tokens, dry.later.completion_tokens) \
            if price is not None else None
        cost = f", about {dollars(later_cost)}" if later_cost is not None else ""
        _out(f"call context: {plural(self.waiting, 'region')} wait"
             f"{'s' if self.waiting == 1 else ''} for the answers of what they call: asked in "
             "later waves, one batch per level of callers, each "
             + ("submitted by the run that applies the wave before it" if self.mode == "batch"
                else "written by the --batch-file run after the wave before it is applied")
             + ". The figures above are the first wave's, exact; the "
             "later waves' requests depend on its answers: estimated from their prompts "
             f"without them, about {plural(dry.later.requests, 'request')}, "
             f"{dry.later.prompt_tokens:,} prompt + {dry.later.completion_tokens:,} "
             f"completion tokens{cost}")
        self._finish_dry(dry, err)

    def _finish_dry(self, dry: _DryRun, err: _Say) -> None:
        """A dry run's exit: 1 when max-cost would stop the first submission, or a file
        cannot be read; else 0."""
        self.done = True
        self.code = FINDINGS if dry.broken else 0
        if self.mode == "batch" and dry.fresh and self._over_budget(dry.fresh, self.asker, err):
            self.code = FINDINGS
        elif self.mode == "batch" and dry.later.requests and self.settings.max_cost is not None:
            price = _batch_price(self.asker.inner.settings.price)
            later = price.cost(dry.later.prompt_tokens, dry.later.completion_tokens) \
                if price is not None else 0.0
            if later > self.settings.max_cost:
                err.print(f"note: the later waves' estimate {dollars(later)} is over max-cost "
                          f"{dollars(self.settings.max_cost)} in all; each wave is priced on "
                          "its own before it is submitted, and one over it is not submitted")

    def _over_budget(self, fresh: list[str], asker: BatchAsker, err: _Say) -> bool:
        """Whether ``max-cost`` stops a submission: its requests' estimated cost, at the
        Batch API's price (``BATCH_PRICE_SHARE`` of the table's), is over it (said)."""
        cap = self.settings.max_cost
        if cap is None:
            return False
        price = asker.inner.settings.price
        if price is None:
            err.print(f"error: {unpriced(asker.inner.model)}; nothing was sent")
            return True
        prompt = sum(asker.tokens.get(key, (0, 0))[0] for key in fresh)
        completion = sum(asker.tokens.get(key, (0, 0))[1] for key in fresh)
        cost = price.cost(prompt, completion) * BATCH_PRICE_SHARE
        if cost <= cap:
            return False
        err.print(f"not submitted: the estimated cost {dollars(cost)} of "
                  f"{plural(len(fresh), 'request')} (at the Batch API's price) is over "
                  f"max-cost {dollars(cap)}; nothing was sent or written")
        return True

    def _submit(self, service: Service, states: States, scope: str, fresh: list[str],
                err: _Say, asker: BatchAsker | None = None) -> Submission:
        """Upload and create the batches of requests no submission holds; keep the state."""
        asker = asker or self.asker
        inner = asker.inner
        key = make_key("batch-submission-v1", scope, sorted(fresh))
        submission = Submission(key, scope, inner.settings.kind, inner.model, inner.where,
                                now(), [])
        files = split_lines(input_line(k, asker.collected[k], asker.url) for k in fresh)
        start = 0
        for number, lines in enumerate(files, 1):
            part = service.submit(lines, f"llm-doc-{key[:12]}-{number}.jsonl", key, number)
            # Kept after every batch: a run stopped between two never submits one twice.
            submission.batches.append(part)
            submission.ids += fresh[start:start + len(lines)]
            start += len(lines)
            states.save(submission)
        err.print(f"Submitted {plural(len(fresh), 'request')} to the Batch API at "
                  f"{inner.where} in {plural(len(files), 'batch', 'batches')} "
                  f"({', '.join(p.id for p in submission.batches)}); state kept as "
                  f"batch {key[:12]}.")
        return submission

    def _problems(self, err: _Say, results: Results | None, unused: bool) -> None:
        """Say what in the results could not be used, one line each."""
        if results is None:
            return
        lines = results.problems + (results.unused() if unused else [])
        for line in lines:
            err.print(f"warning: {line}")


def _not_ours(path: Path) -> bool:
    """Whether a path holds something other than a batch file of ours (never overwritten)."""
    try:
        if not path.is_symlink() and not path.exists():
            return False
        if path.is_symlink() or not path.is_file():
            return True
        with open(path, "rb") as stream:
            return stream.read(len(_OURS)) != _OURS
    except OSError:
        return True


def _results(paths: list[Path]) -> Results:  # noqa: LD342 - raised by the reader
    """Read the results files named on the command line."""
    results = Results()
    for path in paths:
        try:
            with open(path, "rb") as stream:
                read_results([(str(path), stream)], results)
        except OSError as exc:
            raise ConfigError(f"cannot read --batch-results {path}: "
                              f"{exc.strerror or exc}") from None
    return results


class _DryRun:
    """What a batch dry run found: the first wave's requests, and the later waves'."""

    def __init__(self, fresh: list[str], broken: bool) -> None:
        self.fresh = fresh
        self.broken = broken
        self.asker: BatchAsker | None = None
        self.later = Estimate()


def _out(line: str) -> None:
    """A dry run's report goes to stdout, as the direct dry run's does."""
    print(line)


def _estimate_of(asker: BatchAsker, keys: list[str]) -> Estimate:
    """The estimate of collected requests (``providers.cost``'s, as the direct dry run's)."""
    estimate = Estimate()
    for key in keys:
        prompt, completion = asker.tokens[key]
        estimate.add(prompt, completion, asker.bounds[key])
    return estimate


def _batch_price(price: Price | None) -> Price | None:
    """The Batch API's price of a model: ``BATCH_PRICE_SHARE`` of the table's."""
    if price is None:
        return None
    return Price(price.input * BATCH_PRICE_SHARE, price.output * BATCH_PRICE_SHARE,
                 f"{price.source}, at the Batch API's share of {BATCH_PRICE_SHARE:g}")


def _size(size: int) -> str:
    """A file size as shown (kB under a megabyte, else MB)."""
    return f"{size / 1e3:.1f} kB" if size < 1e6 else f"{size / 1e6:.1f} MB"


def _save_results(states: States, submission: Submission, results: Results) -> None:
    """Keep a submission's downloaded answers: a run stopped before applying them reads them."""
    import json

    lines = []
    for key in submission.ids:
        outcome = results.outcomes.get(key)
        if outcome is not None and outcome.body is not None:
            lines.append(json.dumps({"custom_id": key, "response": {
                "status_code": 200, "body": json.loads(outcome.body)}, "error": None},
                ensure_ascii=False).encode("utf-8") + b"\n")
    write_file(states.results_path(submission), lines)


def _read_saved(states: States, submission: Submission, results: Results) -> None:
    path = states.results_path(submission)
    try:
        with open(path, "rb") as stream:
            read_results([(str(path), stream)], results)
    except OSError:
        return


# --- llm-doc batch list|status|cancel|prune -------------------------------------------------

def run(args: argparse.Namespace) -> int:
    """Run ``llm-doc batch list|status|cancel|prune``.

    Args:
        args: Parsed options (``batch_command`` names the subcommand).

    Returns:
        0 done, 1 when a server could not be asked or refused or another run holds the
        batch state, 2 for a usage or configuration error.
    """
    if args.batch_command == "list":
        return run_list(args)
    if args.batch_command == "prune":
        return run_prune(args)
    return _each(args, cancel=args.batch_command == "cancel")


def _err(text: str) -> None:
    print(text, file=__import__("sys").stderr)


def _settings(args: argparse.Namespace, flags: dict[str, object] | None = None) -> Settings:
    return load_settings(Path("."), flags or {}, dict(os.environ), args.config)


def _states(args: argparse.Namespace) -> States:
    return States(cache_dir(_settings(args)))


def _when(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M")


def _line(submission: Submission, states: States) -> str:
    kept = states.kept(submission) if submission.applied else 0
    return (f"{submission.key[:12]}  {_when(submission.created)}  {submission.provider} "
            f"{submission.model} at {submission.server}  "
            f"{plural(len(submission.ids), 'request')}  {submission.status}"
            + (f" ({plural(kept, 'answer')} kept for regions no run has asked since)"
               if kept else ""))


def run_list(args: argparse.Namespace) -> int:
    """Run ``llm-doc batch list``.

    Args:
        args: Parsed options.

    Returns:
        0, or 2 when the cache folder cannot be used.
    """
    try:
        states = _states(args)
    except ConfigError as exc:
        _err(f"error: {exc}")
        return USAGE
    kept = states.all()
    for submission in kept:
        print(_line(submission, states))
    if not kept:
        print(f"No batch submissions in {states.folder}.")
    return 0


def run_prune(args: argparse.Namespace) -> int:
    """Run ``llm-doc batch prune``: forget the applied submissions that keep no answer.

    With ``--answers``, their kept answers go first (a region no run has asked since then
    costs a request when it is asked).

    Args:
        args: Parsed options.

    Returns:
        0, 1 when another run holds the batch state, or 2 when the cache folder cannot be
        used or a file cannot be removed.
    """
    try:
        states = States.peek(cache_dir(_settings(args)))
        with _held(states):
            pruned = prune(states, before=float("inf"), answers=args.answers) \
                if states is not None else Pruned()
    except Busy as exc:
        _err(f"error: {exc}; nothing was pruned")
        return FINDINGS
    except ConfigError as exc:
        _err(f"error: {exc}")
        return USAGE
    except OSError as exc:
        _err(f"error: cannot prune the batch state: {exc.strerror or exc}")
        return USAGE
    print(prune_line(pruned))
    return 0


def prune_quietly(folder: Path) -> None:
    """What ``llm-doc cache clear`` does to the batch state: ``batch prune``'s, said in a line.

    Args:
        folder: The cache folder (already checked).
    """
    try:
        states = States.peek(folder)
        if states is not None:
            with _held(states):
                print(prune_line(prune(states, before=float("inf"))))
    except (ConfigError, OSError, Busy) as exc:
        said = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        _err(f"warning: the batch state was not pruned: {said}")


def prune_line(pruned: Pruned) -> str:
    """What a prune did and kept, in one line.

    Args:
        pruned: What ``prune`` returned.

    Returns:
        The line.
    """
    kept = []
    if pruned.held:
        kept.append(f"{plural(pruned.held, 'applied submission')} holding answers no run has "
                    "cached yet")
    if pruned.waiting:
        kept.append(f"{plural(pruned.waiting, 'submission')} not applied yet (in flight, or "
                    "answers not downloaded: forgetting them would pay twice)")
    return (f"batch state: removed {plural(pruned.removed, 'applied submission')}"
            + (f" and {plural(pruned.answers, 'kept answer')}" if pruned.answers else "")
            + (f"; kept {' and '.join(kept)}" if kept else "") + ".")


def _service(args: argparse.Namespace, submission: Submission) -> Service:
    """The endpoints of the server a submission was made on (flags may override)."""
    flags: dict[str, object] = {"provider": args.provider or submission.provider,
                                "model": args.model or submission.model,
                                "base_url": args.base_url, "timeout": args.timeout}
    settings = _settings(args, flags)
    resolved = resolve_settings(str(flags["provider"]), settings, dict(os.environ))
    model = ModelProvider(resolved)
    if scope_of(model) != submission.scope and args.base_url is None:
        # The configured server is not the one the submission went to: use its URL.
        settings = _settings(args, {**flags, "base_url": submission.server})
        model = ModelProvider(resolve_settings(str(flags["provider"]), settings,
                                               dict(os.environ)))
    return Service(model)


def _pick(args: argparse.Namespace, states: States) -> list[Submission] | None:
    if args.key is None:
        return [s for s in states.all() if not s.applied and not s.done]
    found = states.find(args.key)
    if len(found) != 1:
        _err(f"error: {'no' if not found else 'more than one'} submission matches "
             f"{args.key!r} (see `llm-doc batch list`)")
        return None
    return found


@contextlib.contextmanager
def _held(states: States | None) -> Iterator[None]:
    """Hold the batch state while a command changes it (``StateLock``; raises ``Busy``)."""
    lock = StateLock(states) if states is not None else None
    try:
        yield
    finally:
        if lock is not None:
            lock.release()


def _each(args: argparse.Namespace, cancel: bool) -> int:
    try:
        states = _states(args)
        with _held(states):
            return _each_held(args, states, cancel)
    except Busy as exc:
        _err(f"error: {exc}; nothing was changed")
        return FINDINGS
    except ConfigError as exc:
        _err(f"error: {exc}")
        return USAGE
    except OSError as exc:
        _err(f"error: cannot keep the batch state: {exc.strerror or exc}")
        return USAGE


def _each_held(args: argparse.Namespace, states: States, cancel: bool) -> int:
    """``batch status|cancel`` once the state is held."""
    chosen = _pick(args, states)
    if chosen is None:
        return USAGE
    failed = False
    for submission in chosen:
        service = _service(args, submission)
        try:
            for part in submission.batches:
                if part.status in ("completed", "failed", "expired", "cancelled"):
                    continue
                if cancel:
                    service.cancel(part)
                else:
                    service.refresh(part)
        except ProviderError as exc:
            _err(f"error: {exc}")
            failed = True
        finally:
            service.close()
        states.save(submission)
        print(_line(submission, states))
        for part in submission.batches:
            print(f"  {part.id}: {part.status}, {plural(part.requests, 'request')}")
    if not chosen:
        print("No submission is waiting for answers.")
    return FINDINGS if failed else 0


__all__ = ["BatchRun", "prune_line", "prune_quietly", "run"]
