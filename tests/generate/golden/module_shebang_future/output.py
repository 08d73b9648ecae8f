#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# @llm-module-start
"""TODO: describe."""

from __future__ import annotations

import sys


def main_entry() -> None:
    pass


class Runner:
    pass
# @llm-module-end
