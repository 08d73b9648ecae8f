"""The docstring vocabulary: schemas, sections, parsing, merging and rendering (Google style).

Pure: values in, values out.
"""

from llm_doc_manager.docstrings.merge import Merged, merge, sync_args
from llm_doc_manager.docstrings.parse import (
    ParsedDocstring,
    RawSection,
    parse_docstring,
    split_type_prefix,
)
from llm_doc_manager.docstrings.render import (
    display_width,
    format_comment,
    render_text,
    to_literal,
    wrap_prose,
)
from llm_doc_manager.docstrings.schemas import (
    SCHEMA_FOR,
    AnySchema,
    ArgDoc,
    AttributeDoc,
    ClassDocstring,
    CommentText,
    DocSchema,
    MethodDocstring,
    ModuleDocstring,
    RaisesDoc,
    ReturnsDoc,
    YieldsDoc,
)
from llm_doc_manager.docstrings.sections import (
    ALIASES,
    HEADINGS,
    OTHER_HEADINGS,
    Section,
    heading_of,
)

__all__ = [
    "ALIASES", "HEADINGS", "OTHER_HEADINGS", "SCHEMA_FOR", "AnySchema", "ArgDoc",
    "AttributeDoc", "ClassDocstring", "CommentText", "DocSchema", "Merged", "MethodDocstring",
    "ModuleDocstring", "ParsedDocstring", "RaisesDoc", "RawSection", "ReturnsDoc", "Section",
    "YieldsDoc", "display_width", "format_comment", "heading_of", "merge", "parse_docstring",
    "render_text", "split_type_prefix", "sync_args", "to_literal", "wrap_prose",
]
