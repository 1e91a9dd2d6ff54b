"""What the last deployment of a stack recorded, read through the Pulumi engine.

The program needs it to tell a pull request's own change from drift and to see entries removed
from the file, and Pulumi gives a program no old state. The engine's builtin function
`pulumi:pulumi:readStackResourceOutputs` (the one behind stack references) reads the stack's
latest checkpoint through whatever backend the stack lives in (Pulumi Cloud, S3, a local file,
...): no Altcraft call and no assumption about the backend. A stack never deployed has none.
What the records mean is `provider.planning.record`'s.
"""

from __future__ import annotations

import time
from typing import Any

import pulumi
from pulumi.runtime import invoke
from pulumi.runtime.settings import get_root_resource
from pulumi.runtime.sync_await import _sync_await

READ_STACK_RESOURCE_OUTPUTS = "pulumi:pulumi:readStackResourceOutputs"
# A checkpoint caught while its engine writes it is read again, this many times in all, this far apart.
SIBLING_READ_ATTEMPTS, SIBLING_READ_PAUSE_S = 3, 0.5


def this_stack() -> str:
    """This stack's fully qualified name, org/project/stack."""
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
    root = get_root_resource()
    if root is not None:
        _sync_await(root.urn.future())


def stack_resources(stack: str, attempts: int = SIBLING_READ_ATTEMPTS) -> dict[str, Any]:
    """Every resource of a stack's latest checkpoint, by its fully qualified name (org/project/stack).

    Another stack's engine may be saving its checkpoint as we read it (siblings deploy in
    parallel), which the file backend shows as a truncated file: that one failure is read again,
    SIBLING_READ_PAUSE_S later, up to `attempts` times. Secrets arrive decrypted: keep them in memory.
    """
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
