# @llm-module-start
# @llm-module-end
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


# @llm-class-start
@dataclass(frozen=True)
class LineItem:
    sku: str
    unit_price: float
    quantity: int = 1
# @llm-class-end


# @llm-class-start
class Cart:
    def __init__(self, owner: str, currency: str = "EUR") -> None:
        self.owner = owner
        self.currency = currency
        self.items: list[LineItem] = []

    # @llm-doc-start
    def add_item(self, item: LineItem) -> None:
        if item.quantity <= 0:
            raise ValueError("quantity must be positive")
        self.items.append(item)
    # @llm-doc-end

    # @llm-doc-start
    def calculate_total_price(self, discount: float = 0.0, *, tax_rate: float = 0.2) -> float:
        """Compute what the customer pays.

        Args:
            discount: Fraction taken off before tax, between 0 and 1.
            rate: Tax added after the discount, as a fraction (0.2 is 20 %).
        """
        if not 0 <= discount <= 1:
            raise ValueError("discount out of range")
        # @llm-comm-start
        subtotal = sum(i.unit_price * i.quantity for i in self.items)
        subtotal *= 1 - discount
        # @llm-comm-end
        return round(subtotal * (1 + tax_rate), 2)
    # @llm-doc-end

    # @llm-doc-start
    def iter_skus(self) -> Iterator[str]:
        for item in self.items:
            yield item.sku
    # @llm-doc-end

    # @llm-doc-start
    def is_empty(self) -> bool: return not self.items
    # @llm-doc-end
# @llm-class-end
