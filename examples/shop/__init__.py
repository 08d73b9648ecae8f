# @llm-module-start
# @llm-module-end
from shop.cart import Cart, LineItem

__all__ = ["Cart", "LineItem"]
