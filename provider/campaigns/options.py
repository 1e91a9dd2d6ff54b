"""The allowed values and defaults of a campaign entry's options, read from the published schema.

`provider/campaigns.schema.json` is what editors validate the file with and what the loader
validates it with, so its `enum` and `default` are the one source: the loader, the planner and
the resource read them from here, never from a literal of their own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Beside the package root, where every campaigns file's `yaml-language-server: $schema=` line points.
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "campaigns.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
_ENTRY: dict[str, Any] = SCHEMA["$defs"]["campaign"]["properties"]


def _choices(key: str) -> tuple[tuple[str, ...], str]:
    return tuple(_ENTRY[key]["enum"]), _ENTRY[key]["default"]


# on_remove: what removing the entry does to the campaign (retain: nothing; deactivate: turn it off).
ON_REMOVE_CHOICES, DEFAULT_ON_REMOVE = _choices("on_remove")
# drift: what `pulumi up` does with a change made in Altcraft outside the file (revert it, or keep it).
DRIFT_CHOICES, DEFAULT_DRIFT = _choices("drift")
# `active: scheduled`: leave the campaign to the dates set in Altcraft's web UI.
SCHEDULED: str = next(value for value in _ENTRY["active"]["enum"] if isinstance(value, str))
