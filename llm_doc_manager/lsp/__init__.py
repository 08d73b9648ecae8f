"""A language server offering the call hierarchy (``llm-doc lsp``), built on pygls."""

from llm_doc_manager.lsp.server import CallHierarchyServer, build_server, serve

__all__ = ["CallHierarchyServer", "build_server", "serve"]
