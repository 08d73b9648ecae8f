"""The docstring vocabulary: schemas, sections, parsing, merging and rendering (Google style).

Pure: values in, values out.
"""

from llm_doc_manager.docstrings.conventions import (
    CONVENTIONS_CHOICES,
    TYPES_CHOICES,
    HouseStyle,
    house_style,
)
from llm_doc_manager.docstrings.layout import EDITABLE, Layout, Style, read_layout
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
from llm_doc_manager.docstrings.sync import (
    Conventions,
    Lines,
    assemble,
    bare,
    conventions,
    same_exception,
    sync,
)
from llm_doc_manager.docstrings.types import same_type

__all__ = [
    "ALIASES",
    "CONVENTIONS_CHOICES",
    "EDITABLE",
    "HEADINGS",
    "OTHER_HEADINGS",
    "SCHEMA_FOR",
    "TYPES_CHOICES",
    "AnySchema",
    "ArgDoc",
    "AttributeDoc",
    "ClassDocstring",
    "CommentText",
    "Conventions",
    "DocSchema",
    "HouseStyle",
    "Layout",
    "Lines",
    "Merged",
    "MethodDocstring",
    "ModuleDocstring",
    "ParsedDocstring",
    "RaisesDoc",
    "RawSection",
    "ReturnsDoc",
    "Section",
    "Style",
    "YieldsDoc",
    "assemble",
    "bare",
    "conventions",
    "display_width",
    "format_comment",
    "heading_of",
    "house_style",
    "merge",
    "parse_docstring",
    "read_layout",
    "render_text",
    "same_exception",
    "same_type",
    "split_type_prefix",
    "sync",
    "sync_args",
    "to_literal",
    "wrap_prose",
]
