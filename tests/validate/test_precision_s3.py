"""False findings from the precision sample of peft and huggingface_hub, written as attacks.

Each case is a docstring a maintainer of that project would not change: validate reports
nothing for it and ``generate --all`` (the static provider, as ``--fix`` runs it) adds no
section that would say the same thing twice.
"""

from __future__ import annotations

import ast
from pathlib import Path

from llm_doc_manager.analysis.facts import declared_unused
from llm_doc_manager.docstrings.layout import read_layout
from llm_doc_manager.docstrings.sections import Section
from llm_doc_manager.generate.pipeline import FileChange, Options
from llm_doc_manager.validate import CheckOptions, check_source
from tests.helpers import run_file


def _codes(text: str, tmp_path: Path) -> list[tuple[str, str]]:
    path = tmp_path / "m.py"
    path.write_text(text)
    return [(f.code, f.message) for f in check_source(path, text, CheckOptions(all_defs=True))]


def _generated(text: str, tmp_path: Path) -> str:
    """What generate --all writes (the text itself when nothing changes), run twice."""
    path = tmp_path / "g.py"
    path.write_text(text)
    result = run_file(path, None, Options(all_defs=True))
    new = result.new_text if isinstance(result, FileChange) else text
    path.write_text(new)
    again = run_file(path, None, Options(all_defs=True))
    assert not isinstance(again, FileChange) or again.new_text == new  # a second run: same
    return new


STATUS = '''"""Status."""


def get_layer_status(model: object) -> list[str]:
    """Get the status of each adapter layer in the model.

    This function returns a list of dataclass instances, each of which contains the following
    attributes:

    - `name` (`str`):
       The name of the adapter layer.
    - `enabled` (`bool`):
       Whether the adapter layer is enabled.

    Args:
        model (`nn.Module`):
            The model to get the adapter layer status from.

    Returns:
        list[`str`]:
            A list of dataclasses.
    """
    return [str(model)]
'''


def test_a_heading_word_ending_a_sentence_is_prose(tmp_path: Path) -> None:
    assert _codes(STATUS, tmp_path) == []
    value = ast.get_docstring(ast.parse(STATUS).body[1], clean=False)  # type: ignore[arg-type]
    layout = read_layout(value or "")
    assert [b.section for b in layout.blocks] == [Section.ARGS, Section.RETURNS]
    assert _generated(STATUS, tmp_path) == STATUS


def test_a_capitalised_heading_under_the_summary_is_still_a_heading(tmp_path: Path) -> None:
    text = ('"""M."""\n\n\ndef f(a: int) -> int:\n    """Add one.\n    Args:\n'
            '        b: Gone.\n    """\n    return a + 1\n')
    assert ("LD311", "f: argument 'a' is not documented") in _codes(text, tmp_path)


INLINE = '''"""Helpers."""


def update_forward_signature(model: object) -> None:
    """
    Updates the forward signature of the PeftModel to include parents class signature
        model (`PeftModel`): Peft model to update the forward signature

    Example:

    ```python
    >>> update_forward_signature(peft_model)
    ```
    """
    print(model)


def update_signature(model: object, method: str = "all") -> None:
    """
    Updates the signature of a PeftModel for forward or generate method
        model (`PeftModel`): Peft model to update method (`str`): method to update
        signature choose one of "forward", "generate", "all"

    Example:
    ```python
    >>> update_signature(peft_model)
    ```
    """
    print(model, method)
'''


def test_an_entry_written_without_args_heading_documents_its_argument(tmp_path: Path) -> None:
    assert [c for c, _ in _codes(INLINE, tmp_path)] == []
    assert _generated(INLINE, tmp_path) == INLINE
    # Prose that only mentions the name documents nothing: the argument is still asked.
    prose = INLINE.replace("        model (`PeftModel`): Peft model to update the forward "
                           "signature", "        the given model is updated")
    assert ("LD311", "update_forward_signature: argument 'model' is not documented") in \
        _codes(prose, tmp_path)


EVA = '''"""Eva."""


def prepare_model_inputs(model_input: dict, peft_config: object) -> None:
    """
    Get the indices of the items that should be used for SVD.

    Attributes:
        model_input (dict): The model inputs.
        peft_config (LoraConfig): The configuration for the LoRA layers.
    """
    print(model_input, peft_config)
'''


def test_arguments_under_an_attributes_heading_are_one_finding(tmp_path: Path) -> None:
    assert _codes(EVA, tmp_path) == [
        ("LD361", "prepare_model_inputs: section 'Attributes' lists the function's arguments "
                  "(did you mean 'Args'?)")]
    assert _generated(EVA, tmp_path) == EVA  # no Args section beside it
    # Not exactly its arguments: the Attributes section is no Args, the arguments are asked.
    partial = EVA.replace("        peft_config (LoraConfig): The configuration for the LoRA "
                          "layers.\n", "")
    assert {c for c, _ in _codes(partial, tmp_path)} == {"LD311"}


FORWARD = '''"""Layers."""


class Layer:
    """A layer."""

    def forward(self, x: int, *args, **kwargs) -> int:
        """Run the layer.

        Args:
            x (int): Input.

        Returns:
            int: Output.
        """
        if kwargs.get("revision"):
            return self.base_layer(x, *args, **kwargs)
        return super().forward(x, *args, **kwargs)

    def base_layer(self, x: int, *args, **kwargs) -> int:
        """Run the base.

        Args:
            x (int): Input.

        Returns:
            int: Output.
        """
        return x + len(args) + len(kwargs)
'''


def test_star_arguments_only_passed_on_need_no_entry(tmp_path: Path) -> None:
    found = _codes(FORWARD, tmp_path)
    # ``forward`` only passes them on; ``base_layer`` reads them (``len``): asked.
    assert sorted(m for c, m in found if c == "LD311") == [
        "Layer.base_layer: argument '**kwargs' is not documented",
        "Layer.base_layer: argument '*args' is not documented"]
    new = _generated(FORWARD, tmp_path)
    forward = new.split("def forward", 1)[1].split("def base_layer", 1)[0]
    assert "args" not in forward.split('"""')[1]


def test_star_arguments_read_by_the_body_are_asked() -> None:
    for body in ("return args[0]", "for a in args:\n        print(a)", "kwargs.pop('k')\n"
                 "    return f(**kwargs)", "return dict(**kwargs)", "return f(args)",
                 "kwargs['k'] = 1\n    return f(**kwargs)", "return '{a}'.format(**kwargs)"):
        text = f"def g(*args, **kwargs):\n    {body}\n"
        node = ast.parse(text).body[0]
        assert isinstance(node, ast.FunctionDef)
        unused = declared_unused(node, text.splitlines())
        read = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        assert not {"args", "kwargs"} & read & unused, body
    text = "def g(*args, **kwargs):\n    return f(*args, **kwargs)\n"
    node = ast.parse(text).body[0]
    assert isinstance(node, ast.FunctionDef)
    assert declared_unused(node, text.splitlines()) == {"args", "kwargs"}


SCHEDULER = '''"""Scheduler."""


class CommitScheduler:
    """Upload a folder at regular intervals.

    Args:
        repo_id (`str`):
            The id of the repo to commit to.
        hf_api (`HfApi`, *optional*):
            The client to use to commit to the Hub.

    Attributes:
        repo_id (`str`):
            The id of the repo.
    """

    def __init__(self, repo_id: str, hf_api: object | None = None) -> None:
        self.repo_id = repo_id
        self.api = hf_api or object()
        self.client = hf_api if hf_api is not None else object()
'''


def test_an_attribute_storing_a_documented_constructor_argument(tmp_path: Path) -> None:
    assert _codes(SCHEDULER, tmp_path) == []
    assert _generated(SCHEDULER, tmp_path) == SCHEDULER
    # Computed from the argument, it is an attribute of its own: asked.
    computed = SCHEDULER.replace("self.api = hf_api or object()", "self.api = str(hf_api)")
    assert _codes(computed, tmp_path) == [
        ("LD351", "CommitScheduler: attribute 'api' is not documented")]
