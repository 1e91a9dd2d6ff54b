"""Check a campaigns file against live Altcraft without changing anything.

`pulumi preview` cannot catch a wrong id, a name-guard mismatch or `active: true` on a completed
campaign for an entry it would newly adopt: Pulumi never runs Create in a preview, and our check
and diff stay off the network. This answers those questions for every entry, with one listing,
so a pull request can be stopped in review instead of failing in the deploy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from provider.client import NotFound
from provider.errors import UserFacingError
from provider.live_view import LiveView
from provider.reconcile import Desired, plan
from provider.spec import CampaignSpec


@dataclass(frozen=True)
class Finding:
    line: int
    campaign_id: int
    message: str
    change: str | None = None  # the call `pulumi up` would send, when there is no problem


def preflight(specs: Iterable[CampaignSpec], view: LiveView) -> list[Finding]:
    findings = []
    for spec in specs:
        desired = Desired.from_spec(spec)
        try:
            live = view.get(spec.id)
            action = plan(desired, live)
        except NotFound:
            findings.append(Finding(spec.line, spec.id, f"campaign {spec.id} does not exist in Altcraft"))
            continue
        except UserFacingError as error:
            findings.append(Finding(spec.line, spec.id, str(error)))
            continue
        if action is not None:
            findings.append(Finding(spec.line, spec.id, "", change=f"{action} ({live.name}: {live.state})"))
    return findings
