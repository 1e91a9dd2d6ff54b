"""A local stand-in for Altcraft's campaigns API, faithful to ../shared/altcraft-api.md.

The embedded default for the demo and the tests: `python -m altcraft_local --port N --data FILE`.
"""

from altcraft_local.server import AltcraftServer
from altcraft_local.store import Store

__all__ = ["AltcraftServer", "Store"]
