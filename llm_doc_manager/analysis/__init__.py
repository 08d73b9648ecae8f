"""What the tool reads from one Python file: markers, targets and facts, from text and ``ast``.

Pure: nothing here writes, prints or asks anyone; reading a file is ``load_file``'s one job.
"""

from llm_doc_manager.analysis.facts import (
    AttributeFact,
    BlockFacts,
    ClassFacts,
    FunctionFacts,
    ModuleFacts,
    Param,
    RaiseFact,
    class_facts,
    describe_statement,
    function_facts,
    module_facts,
)
from llm_doc_manager.analysis.load import (
    LoadedFile,
    fewer_collections,
    load_file,
    parse_source,
    read_file,
)
from llm_doc_manager.analysis.markers import (
    Kind,
    MarkerProblem,
    MarkerScan,
    Region,
    is_marker_comment,
    scan_markers,
)
from llm_doc_manager.analysis.nodes import (
    Definition,
    DefNode,
    FunctionNode,
    child_blocks,
    decorator_names,
    docstring_expr,
    first_line,
    iter_defs,
    module_name,
    own_nodes,
    summary_of,
    unparse,
    walk_own,
)
from llm_doc_manager.analysis.targets import Target, resolve

__all__ = [
    "AttributeFact", "BlockFacts", "ClassFacts", "DefNode", "Definition", "FunctionFacts",
    "FunctionNode", "Kind", "LoadedFile", "MarkerProblem", "MarkerScan", "ModuleFacts", "Param",
    "RaiseFact", "Region", "Target", "child_blocks", "class_facts", "decorator_names",
    "describe_statement", "docstring_expr", "fewer_collections", "first_line",
    "function_facts", "is_marker_comment", "iter_defs", "load_file", "module_facts",
    "module_name", "own_nodes", "parse_source", "read_file",
    "resolve", "scan_markers", "summary_of", "unparse", "walk_own",
]
