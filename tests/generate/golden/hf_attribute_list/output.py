"""A class documenting its attributes in Hugging Face's list form (peft, transformers)."""


class AdapterModel:
    """Base model holding adapters.

    Args:
        base_model: The model to adapt.

    **Attributes**:
        - **base_model** ([`torch.nn.Module`]) -- The base transformer model used for
            the adapters.
        - **peft_config** ([`PeftConfig`]): The configuration of the model.
        - **modules_to_save** (`list` of `str`) -- The list of sub-module names to save when
          saving the model.
    """

    def __init__(self, base_model: object, adapter_name: str = "default") -> None:
        self.base_model = base_model
        self.modules_to_save: list[str] = []
        self.adapter_name = adapter_name
        self._config: dict[str, object] = {}

    @property
    def peft_config(self) -> dict[str, object]:
        return self._config

    @property
    def active_adapters(self) -> list[str]:
        """TODO: describe."""
        return [self.adapter_name]


class Counter:
    """Counts calls.

    Attributes:
        calls: How many calls were counted.
        label: The counter's name.
        step: TODO: describe.
    """

    def __init__(self, label: str) -> None:
        self.calls = 0
        self.label = label
        self.step = 1
