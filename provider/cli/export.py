"""Write a campaigns file for the campaigns that already exist in Altcraft (onboarding).

The file adopts every campaign as it is: `active` follows the live state (`completed: true` for
a completed one, when asked for), a `name` guard pins each ID to its name, and a comment records
what Altcraft said. So `pulumi up` on it sends no write, and the next preview shows no changes.
Windows are not exported: Altcraft's get/list do not show scheduled dates. A `waiting` campaign
(scheduled in the web UI) becomes `active: scheduled`, so it launches on its own dates and no
deploy stops it. Terminal campaigns (completed, deleted) are left out unless asked for: there is
nothing to manage about them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from provider.altcraft.client import AltcraftClient
from provider.altcraft.model import STATES, TERMINAL_STATES, LiveCampaign, Unreadable, index_listing
from provider.campaigns.loader import HIDDEN

DEFAULT_STATES = tuple(state for state in STATES if state not in TERMINAL_STATES)
SCHEMA_LINE = "# yaml-language-server: $schema=./provider/campaigns.schema.json"


def fetch(client: AltcraftClient, states: Iterable[str]) -> tuple[list[LiveCampaign], list[Unreadable]]:
    """Every campaign in one of `states`, sorted by id, plus those Altcraft described badly."""
    wanted = set(states)
    campaigns: list[LiveCampaign] = []
    unreadable: list[Unreadable] = []
    for item in index_listing(client.list_all()).values():
        if isinstance(item, Unreadable):
            unreadable.append(item)
        elif item.state in wanted:
            campaigns.append(item)
    return sorted(campaigns, key=lambda c: c.id), sorted(unreadable, key=lambda u: u.id)


def render(campaigns: list[LiveCampaign], source: str, unreadable: Iterable[Unreadable] = ()) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        SCHEMA_LINE,
        "#",
        f"# Exported from {source} on {stamp}: {len(campaigns)} campaign(s), as they are now.",
        "# `pulumi up` on this file adopts them without changing anything. Edit `active` to change one.",
        "# name: guards against a wrong id (the live name must match). on_remove: retain | deactivate.",
    ]
    for item in unreadable:
        lines.append(f"# skipped campaign {item.id}: {item.error}")
    lines.append("campaigns:" if campaigns else "campaigns: []")
    for campaign in campaigns:
        lines.append(f"  - id: {campaign.id}")
        if campaign.name:  # an empty name cannot be a guard
            lines.append(f"    name: {yaml_string(campaign.name)}")
        if campaign.state == "completed" and campaign.name:  # completed: true needs the name guard
            lines.append("    completed: true")
        else:
            # "at export": the comment stays true once adopt-drift or a person changes the value.
            lines.append(f"    active: {_active(campaign)}  # live state at export: {_live(campaign)}")
    return "\n".join(lines) + "\n"


def _active(campaign: LiveCampaign) -> str:
    # get/list do not show a campaign's scheduled dates (the docs name none), so a window set in
    # the web UI cannot be exported as one. `active: false` would stop it once Altcraft starts it;
    # `active: scheduled` leaves it to those dates.
    if campaign.state == "waiting":
        return "scheduled"
    return "true" if campaign.active else "false"


def _live(campaign: LiveCampaign) -> str:
    if campaign.state == "waiting":
        return "waiting (scheduled in Altcraft, which starts it on its own dates; the API does not show them)"
    return campaign.state


def yaml_string(text: str) -> str:
    """`text` as a YAML double-quoted scalar that reads back exactly, whatever it holds.

    Readable where it can be (Cyrillic, accents and emoji stay as they are); escaped where YAML
    would refuse the character (C0 and C1 controls, DEL, a BOM) or turn it into a line break
    (NEL, U+2028, U+2029), and where a diff would not show it (direction controls, zero-width
    characters: the loader's HIDDEN, which it refuses written raw).
    """
    return '"' + "".join(_escape(char) for char in text) + '"'


def _escape(char: str) -> str:
    if char in ('"', "\\"):
        return "\\" + char
    code = ord(char)
    if _yaml_printable(code) and char not in HIDDEN:
        return char
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _yaml_printable(code: int) -> bool:
    # YAML's c-printable set, less the characters it treats as line breaks or a byte-order mark.
    in_yaml = 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000
    return in_yaml and code not in (0x2028, 0x2029, 0xFEFF)
