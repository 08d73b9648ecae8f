"""Bytes, files and positions: decoding and atomic writing, discovery, line arithmetic.

Knows nothing about docstrings; every layer above reads and writes files through here.
"""

from llm_doc_manager.source.discovery import iter_files
from llm_doc_manager.source.files import (
    SourceFile,
    decode_source,
    detect_newline,
    read_source,
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
    "detect_newline", "iter_files", "read_source", "split_lines", "write_atomic",
]
