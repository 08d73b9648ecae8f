"""The docstring vocabulary: schemas, sections, parsing, merging and rendering (Google style).

Pure: values in, values out (``learning`` aside: it reads the files conventions are learned
from). Names are loaded from their module on first use (PEP 562), so a caller that needs only
the layout reader or the conventions (``validate``'s warm run) does not import pydantic.
``sync``, ``merge`` and ``conventions`` are not exported here: each is also the name of a
submodule, which the import system would put in its place; import them from their module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llm_doc_manager.docstrings.conventions import (
        CONVENTIONS_CHOICES,
        TYPES_CHOICES,
        HouseStyle,
        house_style,
    )
    from llm_doc_manager.docstrings.layout import EDITABLE, Layout, Style, read_layout
    from llm_doc_manager.docstrings.merge import Merged, sync_args
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
        same_exception,
    )
    from llm_doc_manager.docstrings.types import same_type

#: Where each exported name lives.
_HOME = {
    "CONVENTIONS_CHOICES": "conventions",
    "TYPES_CHOICES": "conventions",
    "HouseStyle": "conventions",
    "house_style": "conventions",
    "EDITABLE": "layout",
    "Layout": "layout",
    "Style": "layout",
    "read_layout": "layout",
    "Merged": "merge",
    "sync_args": "merge",
    "ParsedDocstring": "parse",
    "RawSection": "parse",
    "parse_docstring": "parse",
    "split_type_prefix": "parse",
    "display_width": "render",
    "format_comment": "render",
    "render_text": "render",
    "to_literal": "render",
    "wrap_prose": "render",
    "SCHEMA_FOR": "schemas",
    "AnySchema": "schemas",
    "ArgDoc": "schemas",
    "AttributeDoc": "schemas",
    "ClassDocstring": "schemas",
    "CommentText": "schemas",
    "DocSchema": "schemas",
    "MethodDocstring": "schemas",
    "ModuleDocstring": "schemas",
    "RaisesDoc": "schemas",
    "ReturnsDoc": "schemas",
    "YieldsDoc": "schemas",
    "ALIASES": "sections",
    "HEADINGS": "sections",
    "OTHER_HEADINGS": "sections",
    "Section": "sections",
    "heading_of": "sections",
    "Conventions": "sync",
    "Lines": "sync",
    "assemble": "sync",
    "bare": "sync",
    "same_exception": "sync",
    "same_type": "types",
}

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
    "display_width",
    "format_comment",
    "heading_of",
    "house_style",
    "parse_docstring",
    "read_layout",
    "render_text",
    "same_exception",
    "same_type",
    "split_type_prefix",
    "sync_args",
    "to_literal",
    "wrap_prose",
]


def __getattr__(name: str) -> Any:
    """Load an exported name from its module on first use (PEP 562)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
