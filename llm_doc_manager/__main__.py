"""Entry point for ``python -m llm_doc_manager``."""

from llm_doc_manager.cli import main

if __name__ == "__main__":
    main()
