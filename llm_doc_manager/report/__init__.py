"""``llm-doc report``: a Markdown (or JSON) documentation and analysis of a whole project.

``model.collect`` reads and analyses the files (definitions, complexity, calls, git
history); ``render`` writes the document; ``origin`` checks the input and clones a URL;
``slug`` makes heading anchors as GitHub does.
"""

from llm_doc_manager.report.model import EntryPoint, FileReport, Item, Project, Ref, collect

__all__ = ["EntryPoint", "FileReport", "Item", "Project", "Ref", "collect"]
