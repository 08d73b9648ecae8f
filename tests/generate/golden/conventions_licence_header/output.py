# Copyright 2024 The Example Authors. All rights reserved.
#
# SPDX-License-Identifier: Apache-2.0

"""TODO: describe."""

import os


def home() -> str:
    """TODO: describe.

    Returns:
        str: TODO: describe.
    """
    return os.path.expanduser("~")
