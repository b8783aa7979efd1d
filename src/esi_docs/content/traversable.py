"""`Traversable`, the interface packaged and on-disk content folders are read through.

It lives in `importlib.resources.abc` from Python 3.11 and in `importlib.abc` before; esi-docs
supports 3.10, where importing the 3.11 name stopped the whole package from loading.
"""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

__all__ = ["Traversable"]
