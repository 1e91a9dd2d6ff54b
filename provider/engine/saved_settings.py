"""A refresh reads Altcraft with the settings saved at the last `pulumi up`: the one home of that.

Pulumi saves the dynamic provider's config (here `altcraft:url`, `altcraft:token`) with the default
`pulumi-python` provider in the state, and the refresh that runs before the program (without
`--run-program`) uses those saved values, not the stack's current ones. After a token rotation or
a move to another account that refresh reads the old account, or fails on a revoked token. So:

- the program compares the saved values with the current ones (`changed_since`); when they
  differ it reads every campaign itself and gives the provider the state it saw
  (`provider.planning.record.OBSERVED_KEY`), which diff then trusts over the refresh's, and says so
  (`stale_note`);
- the provider, when such a refresh cannot reach Altcraft, adds `hint` to its error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from provider.altcraft.urls import normalize_base_url
from provider.settings import TOKEN_KEY, URL_KEY

DYNAMIC_PROVIDER_TYPE = "pulumi:providers:pulumi-python"

HINT = (
    f"\nA refresh before the program uses {URL_KEY} and {TOKEN_KEY} as saved at the last `pulumi up`. "
    "If you changed either since, run the program first once: `PULUMI_RUN_PROGRAM=true pulumi up` "
    "(or `pulumi up --run-program`), which also saves the new values."
)


def saved_provider_config(resources: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The stack config the dynamic provider was last deployed with, None if never deployed."""
    for resource in resources.values():
        if resource.get("type") == DYNAMIC_PROVIDER_TYPE:
            return resource.get("outputs") or {}
    return None


def changed_since(saved: Mapping[str, Any] | None, config_get: Callable[[str], str | None]) -> list[str]:
    """The settings that choose the account (URL, token) whose stack config differs from `saved`.

    `saved` is the config Pulumi saved at the last deployment (None: never deployed). A token
    kept in ALTCRAFT_TOKEN is read at call time, so only config keys can go stale.
    """
    if saved is None:
        return []
    return [key for key in (URL_KEY, TOKEN_KEY) if _plain(key, saved.get(key)) != _plain(key, config_get(key))]


def _plain(key: str, value: object) -> str | None:
    """A setting as it acts: blanks stripped, and a URL as the address it means (`.../api/` is
    `.../api/v1.1`), so writing the same address another way is no change."""
    text = (value.strip() or None) if isinstance(value, str) else None
    if key == URL_KEY and text:
        try:
            return normalize_base_url(text)
        except ValueError:
            return text
    return text


def stale_note(stale: list[str], where: str) -> str:
    """What the program says when the refresh before it read Altcraft with stale settings."""
    return (
        f"{' and '.join(stale)} changed since the last `pulumi up`: the campaigns are compared with what "
        f"{where} answers now, not with the refresh (Pulumi refreshes with the values saved at that up)"
    )
