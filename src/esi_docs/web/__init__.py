"""The checkout web form (`esi-docs serve`): Flask over the same API as the command line."""

from __future__ import annotations

from esi_docs.web.app import OnRender, create_app

__all__ = ["OnRender", "create_app"]
