# Copyright 2024 The Example Authors. All rights reserved.
#
# SPDX-License-Identifier: Apache-2.0

import os


def home() -> str:
    return os.path.expanduser("~")
