"""Who calls what: definitions, call sites and their resolution across a project.

Per-file indexes (``index.module_index``) are pure functions of a file's text, cached by
content hash; ``graph.CallGraph`` joins them (imports, aliases, ``self``/``super``, the MRO)
and answers incoming/outgoing queries and the callees-first order.
"""

from llm_doc_manager.callgraph.graph import Call, CallGraph
from llm_doc_manager.callgraph.index import module_index
from llm_doc_manager.callgraph.project import (
    Project,
    key_of,
    load_project,
    module_for,
    project_root,
)
from llm_doc_manager.callgraph.resolve import DefKey

__all__ = ["Call", "CallGraph", "DefKey", "Project", "key_of", "load_project", "module_for",
           "module_index", "project_root"]
