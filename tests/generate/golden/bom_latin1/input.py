# -*- coding: latin-1 -*-
# @llm-doc-start
def café_price(amount):
    return amount  # déjà
# @llm-doc-end
