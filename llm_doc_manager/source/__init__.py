"""Bytes, files and positions: decoding and atomic writing, discovery, line arithmetic.

Knows nothing about docstrings; every layer above reads and writes files through here.
"""

from llm_doc_manager.source.discovery import is_excluded, iter_files
from llm_doc_manager.source.files import (
    SourceFile,
    decode_source,
    detect_newline,
    read_source,
    remove_leftovers,
    write_atomic,
)
from llm_doc_manager.source.positions import (
    INDENT_CHARS,
    SourceMap,
    colon_after_header,
    split_lines,
)

__all__ = [
    "INDENT_CHARS", "SourceFile", "SourceMap", "colon_after_header", "decode_source",
    "detect_newline", "is_excluded", "iter_files", "read_source", "remove_leftovers", "split_lines",
    "write_atomic",
]
