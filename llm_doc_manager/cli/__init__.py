"""The ``llm-doc`` command line: the only layer that reads argv, prints, prompts or exits.

``main`` sends ``validate`` to its front-end before the command tree is built (a warm
``validate`` is dominated by start-up); shell completion and every other command go
through ``cli.app``'s argparse tree.
"""

from __future__ import annotations

import os
import sys
import traceback

__all__ = ["main"]


def main() -> None:
    """Run ``llm-doc`` with ``sys.argv``; exit 2 with a short message if it crashes."""
    reporting = False
    if os.environ.get("SENTRY_DSN"):  # opt-in crash reports (see cli/sentry.py)
        from llm_doc_manager.cli.sentry import start

        reporting = start(os.environ, lambda message: print(message, file=sys.stderr))
    try:
        sys.exit(_dispatch(sys.argv[1:]))
    except (SystemExit, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        # The reader went away (``| head``): not a crash. Point stdout at /dev/null so the
        # interpreter's final flush does not raise again (the way Python's docs advise).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except BaseException as exc:
        # A crash is never "findings" (exit 1): say what happened, in one line unless asked.
        if os.environ.get("LLM_DOC_DEBUG"):
            traceback.print_exc()
        from llm_doc_manager.cli.sentry import secrets_of
        from llm_doc_manager.errors import printable

        # Whatever raised, the line holds no key of the environment, no URL credentials
        # and no character that could move the cursor or forge another line.
        print(f"llm-doc: internal error: {type(exc).__name__}: "
              f"{printable(str(exc), secrets_of(os.environ))} (set LLM_DOC_DEBUG=1 "
              "for the traceback, and please report it)", file=sys.stderr)
        if reporting:
            from llm_doc_manager.cli.sentry import report

            report(exc)
        sys.exit(2)


def _dispatch(argv: list[str]) -> int:
    if "_ARGCOMPLETE" in os.environ:
        import argcomplete

        from llm_doc_manager.cli.app import build_parser

        argcomplete.autocomplete(build_parser())  # answers and exits when completing
    if argv and argv[0] == "validate":
        from llm_doc_manager.cli.validate import main as validate

        return validate(argv[1:])
    from llm_doc_manager.cli.app import build_parser

    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code
