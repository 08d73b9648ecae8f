"""The in-place writer: plan regions, ask a provider, build edits verified against the code.

Nothing here writes a file: the front-end decides what to write (``FileChange.new_text``).
"""

from llm_doc_manager.generate.outcomes import (
    FileChange,
    FileError,
    FileResult,
    Options,
    RegionResult,
    RunObserver,
    Status,
)
from llm_doc_manager.generate.pipeline import (
    ParsedFile,
    PlannedRegion,
    build,
    load,
    plan,
    process_file,
    run_files,
)

__all__ = [
    "FileChange", "FileError", "FileResult", "Options", "ParsedFile", "PlannedRegion",
    "RegionResult", "RunObserver", "Status", "build", "load", "plan", "process_file",
    "run_files",
]
