"""The local Altcraft stand-in as tests start it: the seed, the tokens, and a handle with its admin."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from altcraft_local import AltcraftServer, Store
from altcraft_local.admin import Admin

# Distinctive, so a scan of any output for it cannot match by accident.
TOKEN = "tok-e2e-7c1f9a3b5d2e"
VIEWER_TOKEN = "tok-viewer-4a8b6c"

SEED = {
    "tokens": {TOKEN: {"rights": ["view", "run"]}, VIEWER_TOKEN: {"rights": ["view"]}},
    "campaigns": [
        {"id": 18, "name": "Black Friday", "state": "inactive"},
        {"id": 19, "name": "Cyber Monday", "state": "active"},
        {"id": 21, "name": "Spring collection", "state": "active"},
        {"id": 22, "name": "Seasonal sale", "state": "waiting"},
        {"id": 23, "name": "Welcome series", "state": "inactive"},
        {"id": 30, "name": "Summer 2025", "state": "completed"},
        {"id": 31, "name": "Old newsletter", "state": "deleted"},
    ],
}


@dataclass
class LocalAltcraft:
    server: AltcraftServer
    admin: Admin

    @property
    def url(self) -> str:
        return self.server.url


def start_altcraft(data_file: Path, error_status: str = "mirror", seed: dict | None = None) -> LocalAltcraft:
    store = Store(data_file, copy.deepcopy(seed or SEED))
    server = AltcraftServer(store, error_status=error_status).start()
    return LocalAltcraft(server, Admin(server.url))
