"""A local stand-in for Altcraft's campaigns API, as docs/altcraft-api.md describes it.

The embedded default for the demo and the tests: `python -m altcraft_local --port N --data FILE`.
"""

from altcraft_local.server import AltcraftServer
from altcraft_local.store import Store

__all__ = ["AltcraftServer", "Store"]
