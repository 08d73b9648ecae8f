# A module written with tabs and CRLF line endings would be kept exactly as it is;
# this one uses two-space indentation, which the docstrings follow.

# @llm-doc-start
def apply_coupon(price, code, *codes, strict=False, **options):
  if strict and not code:
    raise KeyError(code)
  return price
# @llm-doc-end
