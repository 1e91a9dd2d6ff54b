"""What the last deployment of this stack recorded, read through the Pulumi engine.

The program needs it to tell a pull request's own change from drift and to see entries removed
from the file, and Pulumi gives a program no old state. The engine's builtin function
`pulumi:pulumi:readStackResourceOutputs` (the one behind stack references) reads the stack's
latest checkpoint through whatever backend the stack lives in (Pulumi Cloud, S3, a local file,
...): no Altcraft call and no assumption about the backend. A stack never deployed has none.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from provider.reconcile import DEFAULT_ON_REMOVE, Intent
from provider.review import Deployed
from provider.schedule import Schedule, TimeError

CAMPAIGN_TYPE = "pulumi-python:dynamic/altcraft:Campaign"
READ_STACK_RESOURCE_OUTPUTS = "pulumi:pulumi:readStackResourceOutputs"
DYNAMIC_PROVIDER_TYPE = "pulumi:providers:pulumi-python"
# A checkpoint caught while its engine writes it is read again, this many times in all, this far apart.
SIBLING_READ_ATTEMPTS, SIBLING_READ_PAUSE_S = 3, 0.5


def this_stack() -> str:
    """This stack's fully qualified name, org/project/stack. Call only from a Pulumi program."""
    import pulumi

    return f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}"


def last_checkpoint() -> dict[str, Any]:
    """Every resource of this stack's latest checkpoint: {urn: {"type": ..., "outputs": {...}}}.

    Read once the engine has registered the stack's root resource. The SDK registers it just
    before the program runs, and the engine then saves the checkpoint (unless
    PULUMI_SKIP_CHECKPOINTS): the file backend rewrites the file in place, and a read during that
    write failed the run with "failed to load checkpoint: EOF" (about one first `up` in thirty,
    under load). The engine answers a registration only after saving it, and saves nothing else
    before this program registers a campaign.
    """
    _after_root_registration()
    return stack_resources(this_stack(), attempts=1)  # nothing else can be writing it now


def _after_root_registration() -> None:
    from pulumi.runtime.settings import get_root_resource
    from pulumi.runtime.sync_await import _sync_await

    root = get_root_resource()
    if root is not None:
        _sync_await(root.urn.future())


def stack_resources(stack: str, attempts: int = SIBLING_READ_ATTEMPTS) -> dict[str, Any]:
    """Every resource of a stack's latest checkpoint, by its fully qualified name (org/project/stack).

    Another stack's engine may be saving its checkpoint as we read it (siblings deploy in
    parallel), which the file backend shows as a truncated file: that one failure is read again,
    SIBLING_READ_PAUSE_S later, up to `attempts` times. Call only from a Pulumi program. Secrets
    arrive decrypted: keep them in memory.
    """
    from pulumi.runtime import invoke

    for attempt in range(1, attempts + 1):
        try:
            result = invoke(READ_STACK_RESOURCE_OUTPUTS, {"stackName": stack})
            return (result.value or {}).get("outputs") or {}
        except Exception as error:  # the SDK raises a bare Exception with the engine's words
            if attempt == attempts or not _caught_mid_write(error):
                raise
            time.sleep(SIBLING_READ_PAUSE_S)
    raise AssertionError("unreachable")


def _caught_mid_write(error: Exception) -> bool:
    return "failed to load checkpoint" in str(error) and ("EOF" in str(error) or "unexpected end" in str(error))


def saved_provider_config(resources: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The stack config the dynamic provider was last deployed with, None if never deployed.

    Pulumi saves it with the default `pulumi-python` provider and reuses it for the refresh that
    runs before the program (without --run-program): that refresh reads Altcraft with these values.
    """
    for resource in resources.values():
        if resource.get("type") == DYNAMIC_PROVIDER_TYPE:
            return resource.get("outputs") or {}
    return None


def campaigns_in(resources: Mapping[str, Any]) -> dict[int, Deployed]:
    """Campaign records from {urn: {"type": ..., "outputs": {...}}}; other resources are skipped."""
    deployed: dict[int, Deployed] = {}
    for resource in resources.values():
        if resource.get("type") == CAMPAIGN_TYPE:
            record = from_outputs(resource.get("outputs") or {})
            if record is not None:
                deployed[record.campaign_id] = record
    return deployed


def from_outputs(outputs: Mapping[str, Any]) -> Deployed | None:
    campaign_id = outputs.get("campaign_id")
    if not isinstance(campaign_id, int | float) or isinstance(campaign_id, bool):
        return None
    on_remove = outputs.get("on_remove") or DEFAULT_ON_REMOVE
    return Deployed(int(campaign_id), intent_of(outputs), on_remove, protect=outputs.get("protect") is True)


def intent_of(outputs: Mapping[str, Any]) -> Intent:
    """What the campaigns file declared for this campaign at its last deploy (its recorded outputs)."""
    try:
        schedule = Schedule.from_text(outputs)
    except TimeError:  # not written by this version: treat as no dates, so they are sent again
        schedule = Schedule()
    completed, scheduled_in_altcraft = (outputs.get(key) is True for key in ("completed", "scheduled_in_altcraft"))
    return Intent(desired_active_of(outputs), schedule, completed, scheduled_in_altcraft)


def desired_active_of(outputs: Mapping[str, Any]) -> bool:
    """What the campaigns file asked for when this campaign was last deployed (its recorded outputs).

    States written before `desired_active` existed hold the live state after the last up in
    `active`, which is what the file asked for unless a refresh recorded drift since.
    """
    return bool(outputs.get("desired_active", outputs.get("active")))
