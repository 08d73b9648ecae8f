"""The provider seam: what is asked of a provider and what it must answer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Protocol

from llm_doc_manager.analysis import BlockFacts, ClassFacts, FunctionFacts, ModuleFacts
from llm_doc_manager.schemas import AnySchema


class Task(str, Enum):
    """The kind of content asked for."""

    MODULE = "module"
    CLASS = "class"
    METHOD = "method"
    COMMENT = "comment"


@dataclass(frozen=True)
class DocRequest:
    """One region's request to a provider.

    Attributes:
        task (Task): What to produce.
        path (Path): The file, for messages.
        qualname (str): Dotted name of the target (``Class.method``), or ``<module>``.
        line (int): Line of the target.
        code (str): The target's source.
        facts (FunctionFacts | ClassFacts | ModuleFacts | BlockFacts): What the code says.
        existing (str | None): The current docstring value or comment text, if any.
    """

    task: Task
    path: Path
    qualname: str
    line: int
    code: str
    facts: FunctionFacts | ClassFacts | ModuleFacts | BlockFacts
    existing: str | None


class Provider(Protocol):
    """Something that answers documentation requests.

    Attributes:
        name (str): Provider name, shown in messages.
        keeps_human_text (bool): True when existing human text must win over the answer's
            text (the answer cannot have read it); False when the answer already merged it.
    """

    name: str
    keeps_human_text: bool

    async def generate(self, request: DocRequest) -> AnySchema:
        """Produce the content for one region.

        Args:
            request (DocRequest): The request.

        Returns:
            AnySchema: The schema matching ``request.task``.
        """
        ...

    async def aclose(self) -> None:
        """Release resources (connections, caches)."""
        ...
