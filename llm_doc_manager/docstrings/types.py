"""Compare a type written in a docstring with an annotation, by meaning, not by spelling.

Real projects write types in docstrings with markup: ``int, optional``, `` `int` ``,
``*optional*``, ``defaults to `2```, ``str or os.PathLike``, ``:class:`Path```. All of these
agree with the annotation they describe. A docstring type that cannot be read as a type
(prose such as ``list of str``) is never called wrong: ``same_type`` says it cannot tell.
"""

from __future__ import annotations

import ast
import builtins
import re

from llm_doc_manager.source import syntax

_ROLE_RE = re.compile(r":[\w:.-]+:`~?([^`]*)`")
_MARKUP_RE = re.compile(r"[`*]")
_OPTIONAL_RE = re.compile(r"^(?:optional|keyword[- ]only|positional[- ]only|required)$", re.I)
_DEFAULT_RE = re.compile(r"^(?:defaults?\b|default\s*[:=]|by default\b)", re.I)
# typing's capitalised aliases and their builtin spellings mean the same type.
_ALIASES = {
    "List": "list", "Dict": "dict", "Set": "set", "FrozenSet": "frozenset", "Tuple": "tuple",
    "Type": "type", "Text": "str", "DefaultDict": "defaultdict", "Deque": "deque",
    # Words people write for builtins.
    "boolean": "bool", "integer": "int", "string": "str", "dictionary": "dict",
    # numpydoc writes ``func : callable``; nobody annotates with the builtin function.
    "callable": "Callable",
}


# Names whose meaning is the same in every project. A difference in other names may be an
# alias the project defines (``JustifyMethod = Literal["left", ...]`` documented as ``str``),
# so only a difference in these is called drift.
_WELL_KNOWN = frozenset(dir(builtins)) | frozenset({
    "Any", "Optional", "Union", "Callable", "Iterable", "Iterator", "Generator", "Sequence",
    "Mapping", "MutableMapping", "MutableSequence", "Collection", "Container", "AbstractSet",
    "MutableSet", "Awaitable", "Coroutine", "AsyncIterator", "AsyncIterable", "AsyncGenerator",
    "Literal", "ClassVar", "Final", "Hashable", "Sized", "Reversible", "NoReturn", "Never",
    "defaultdict", "deque", "OrderedDict", "Counter", "ChainMap", "IO", "TextIO", "BinaryIO",
    "Pattern", "Match", "None",
    # numpy's array class, the commonest type of scientific docstrings (``np.ndarray``).
    "ndarray",
})
# A concrete container documented where the annotation names an abstract one agrees.
_ABSTRACT = {
    "Iterable": {"list", "tuple", "set", "frozenset", "dict", "Sequence", "Collection"},
    "Sequence": {"list", "tuple"}, "MutableSequence": {"list"},
    "Collection": {"list", "tuple", "set", "frozenset", "dict"},
    "Mapping": {"dict", "OrderedDict", "defaultdict"}, "MutableMapping": {"dict"},
    "AbstractSet": {"set", "frozenset"},
}
_NAME_RE = re.compile(r"[A-Za-z_]\w*")
# numpydoc's array prose: ``(M, N) ndarray``, ``ndarray of shape (n,) and dtype int`` is an
# ndarray whatever its shape and dtype (``ndarray or list`` stays a union).
_NDARRAY_RE = re.compile(r"\A(?:\([^()]*\)\s+)?(?:numpy\.|np\.)?ndarray"
                         r"(?:\s+(?:of|with)\s+(?:(?!\sor\s).)*)?\Z")


def split_top(text: str, separators: tuple[str, ...]) -> list[str]:
    """Split at separators that are outside brackets."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            for sep in separators:
                if text.startswith(sep, i):
                    parts.append(text[start:i])
                    i += len(sep)
                    start = i
                    break
            else:
                i += 1
                continue
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _name(node.value)
        return None if owner is None else f"{owner}.{node.attr}"
    return None


def _canonical_name(name: str) -> str:
    # ``core_schema.CoreSchema`` and ``CoreSchema`` name the same class: modules are dropped.
    name = name.rsplit(".", 1)[-1]
    return _ALIASES.get(name, name)


def _alternatives(node: ast.expr) -> frozenset[str] | None:
    """The union members of a type expression, each in a canonical spelling."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _alternatives(node.left), _alternatives(node.right)
        return None if left is None or right is None else left | right
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:  # a forward reference: "Foo"
            inner = syntax.parse(node.value.strip(), mode="eval").body
        except SyntaxError:
            return None
        return _alternatives(inner)
    if isinstance(node, ast.Subscript):
        base = _name(node.value)
        if base is not None and _canonical_name(base) in ("Optional", "Union"):
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            found: frozenset[str] = frozenset({"None"}) if \
                _canonical_name(base) == "Optional" else frozenset()
            for item in items:
                sub = _alternatives(item)
                if sub is None:
                    return None
                found |= sub
            return found
    text = _canonical(node)
    return None if text is None else frozenset({text})


def _canonical(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant):
        return "None" if node.value is None else repr(node.value)
    name = _name(node)
    if name is not None:
        return _canonical_name(name)
    if isinstance(node, ast.Subscript):
        base = _canonical(node.value)
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == "Literal":  # values, not forward references
            values = [repr(i.value) if isinstance(i, ast.Constant) else ast.unparse(i)
                      for i in items]
            return f"Literal[{'|'.join(sorted(values))}]"
        parts = []
        for item in items:
            if isinstance(item, ast.Tuple | ast.List):  # Callable[[int], str]
                inner = [_canonical(e) for e in item.elts]
                if any(p is None for p in inner):
                    return None
                parts.append("[" + ",".join(p for p in inner if p) + "]")
                continue
            alternatives = _alternatives(item)
            if alternatives is None:
                return None
            parts.append("|".join(sorted(alternatives)))
        return None if base is None else f"{base}[{','.join(parts)}]"
    if isinstance(node, ast.List | ast.Tuple):
        inner = [_canonical(e) for e in node.elts]
        return None if any(p is None for p in inner) else \
            "[" + ",".join(p for p in inner if p) + "]"
    if isinstance(node, ast.Constant) and node.value is Ellipsis:
        return "..."
    return None


def _parse(text: str) -> frozenset[str] | None:
    try:
        node = syntax.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if isinstance(node, ast.Tuple) and node.elts:
        # ``(str, str)`` written as a type is the tuple of those (requests' ``:rtype:``).
        inner = _canonical(node)
        return None if inner is None else frozenset({f"tuple{inner}"})
    return _alternatives(node)


def read_doc_type(text: str) -> tuple[frozenset[str] | None, bool]:
    """Read a docstring's type text: its union members, and whether it says "optional".

    Args:
        text: What is written between the parentheses (or before a Returns colon).

    Returns:
        The canonical union members (None when the text is not a type) and the
        "optional" flag.
    """
    text = _ROLE_RE.sub(r"\1", text)
    text = _MARKUP_RE.sub("", text).replace("~", "")
    optional = False
    kept = []
    for part in split_top(text, (",", ";")):
        part = _NDARRAY_RE.sub("ndarray", part)
        if _OPTIONAL_RE.match(part) or _DEFAULT_RE.match(part):
            optional = True
        elif part:
            kept.append(part)
    if len(kept) != 1:
        return None, optional
    members: frozenset[str] = frozenset()
    for alternative in split_top(kept[0], (" or ", "|")):
        found = _parse(alternative)
        if found is None:
            return None, optional
        members |= found
    return members, optional


def same_type(doc_text: str, annotation: str, has_default: bool = False) -> bool | None:
    """Tell whether a docstring type agrees with an annotation.

    ``Any`` agrees with everything; with a default value (or an "optional" in the text),
    ``None`` in either union is not a difference.

    Args:
        doc_text: The type as the docstring writes it, markup included.
        annotation: The annotation's source text.
        has_default: Whether the parameter has a default value.

    Returns:
        True or False, or None when either side cannot be read as a type.
    """
    documented, optional = read_doc_type(doc_text)
    annotated = _parse(annotation)
    if documented is None or annotated is None:
        return None
    if "Any" in documented or "Any" in annotated or "object" in documented:
        return True
    del has_default, optional  # None is compared away whatever the default (see below)
    # Leaving ``None`` out of a documented type is how people write optional arguments
    # ("int, optional", or just "int"): only the other members are compared.
    documented, annotated = documented - {"None"}, annotated - {"None"}
    # "int or float" for a ``float``: the int is a float too (but a lone documented ``int``
    # for a ``float`` annotation is a changed type, retyped).
    members = {d for d in documented if d in annotated or not any(
        d in _NUMERIC_TOWER.get(a, ()) and a in documented for a in annotated)} or documented
    if all(any(_agrees(d, a) for a in annotated) for d in members) and \
            all(any(_agrees(d, a) for d in members) for a in annotated):
        return True
    names = {n for member in documented | annotated for n in _NAME_RE.findall(member)}
    return False if names <= _WELL_KNOWN else None


# PEP 484's numeric tower: an ``int`` is accepted where ``float`` is annotated, an ``int`` or
# ``float`` where ``complex`` is ("`int` or `float`" documents a ``float`` argument).
_NUMERIC_TOWER = {"float": frozenset({"int"}), "complex": frozenset({"int", "float"})}


def _agrees(documented: str, annotated: str) -> bool:
    """One member each: equal, or the documented one is the bare form of the annotated one.

    ``Callable`` agrees with ``Callable[[Any], Any]`` and ``str`` with ``Literal['r']``.
    """
    if documented == annotated:
        return True
    # ``tuple[X]`` written for ``tuple[X, ...]``: prose says "a tuple of X" either way.
    if annotated.startswith("tuple[") and annotated.endswith(",Ellipsis]") and \
            documented == annotated.removesuffix(",Ellipsis]") + "]":
        return True
    # Inside brackets too, a left-out None is no difference.
    documented = documented.replace("None|", "").replace("|None", "")
    annotated = annotated.replace("None|", "").replace("|None", "")
    if documented == annotated:
        return True
    base, _, args = annotated.partition("[")
    if "[" not in documented and documented == base:
        return True
    doc_base, _, doc_args = documented.partition("[")
    if doc_base in _ABSTRACT.get(base, ()) and (doc_args == args or not doc_args):
        return True
    if doc_base == base and ("Any" in _NAME_RE.findall(args) or
                             "Any" in _NAME_RE.findall(doc_args)):
        return True
    if base == "Literal" and args:
        values = args.rstrip("]").split("|")
        if documented in values:  # ``squeeze : False`` for ``Literal[False]``: its value
            return True
        kinds = {"str" if v[:1] in "'\"" else "int" if v.lstrip("-").isdigit() else "bool"
                 if v in ("True", "False") else "?" for v in values}
        return kinds == {documented}
    return False


def core_type_span(doc_text: str) -> tuple[int, int]:
    """Columns of the type itself inside type text with markup (what a retype replaces).

    ``"`int`, *optional*"`` gives the span of ``int``: the backticks, the "optional" and the
    default stay as they are.

    Args:
        doc_text: The text between the parentheses, as written.

    Returns:
        Start and end columns within ``doc_text``.
    """
    end = len(doc_text)
    depth = 0
    for i, ch in enumerate(doc_text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch in ",;" and depth == 0:
            end = i
            break
    start = 0
    while start < end and doc_text[start] in " `*~":
        start += 1
    while end > start and doc_text[end - 1] in " `*":
        end -= 1
    return start, end


class _Unquote(ast.NodeTransformer):
    """Replace forward references (``'Sandbox'``) by the expressions they hold."""

    def __init__(self) -> None:
        self.changed = False

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        base = _name(node.value)
        last = base.rsplit(".", 1)[-1] if base is not None else None
        if last == "Literal":
            return node  # ``Literal['r']``: values, not references
        if last == "Annotated" and isinstance(node.slice, ast.Tuple) and node.slice.elts:
            # Only the type is one; the metadata after it is any value.
            node.slice.elts[0] = self.visit(node.slice.elts[0])
            return node
        return self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if not isinstance(node.value, str):
            return node
        try:
            inner = syntax.parse(node.value.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return node
        self.changed = True
        result: ast.AST = self.visit(inner)  # ``"list['X']"``: quotes inside quotes
        return result


def written_type(annotation: str) -> str:
    """An annotation as a docstring writes its type: forward references without quotes.

    ``'Sandbox'`` and ``list["CommitOperationAdd"]`` are quoted only so that Python does not
    evaluate the name early; the type is what they name (``Sandbox``). A ``Literal``'s
    strings are values and keep their quotes; an annotation without quotes is returned as
    it is.

    Args:
        annotation: The annotation's source text.

    Returns:
        The type to write.
    """
    if "'" not in annotation and '"' not in annotation:
        return annotation
    try:
        tree = syntax.parse(annotation.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return annotation
    unquote = _Unquote()
    try:
        new = unquote.visit(tree)
    except RecursionError:
        return annotation
    return ast.unparse(new) if unquote.changed else annotation
