"""What `pulumi preview` reported, read from either of its JSON forms into one model.

- `pulumi preview --json`: one object with `steps` and `diagnostics`. It has no policy
  violations: a pack that fails the preview leaves only "preview failed" in it.
- The engine's event stream, `PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --json`: one
  JSON event per line (the format of Pulumi's event log). It has the same steps and diagnostics,
  each policy violation with its text, and a last `summaryEvent` saying whether the preview
  failed. The example workflows pass this form, so a policy's reason reaches the comment.

Nothing here interprets campaigns: `provider.cli.summary` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from provider.errors import UnreadableInput, UserFacingError
from provider.inputs import loads

STREAMING_ENV = "PULUMI_ENABLE_STREAMING_JSON_PREVIEW"
# The engine writes "error: " before an error's text in `--json` (a separate `prefix` in events).
_SEVERITY = re.compile(r"^\s*(?:warning|error|info): ")
# The engine's own closing line of a failed preview: true, but it explains nothing.
GENERIC_FAILURE = "preview failed"


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # info, warning, error (info#err and debug are kept but never read as calls)
    message: str  # without the engine's "error: " prefix


@dataclass(frozen=True)
class Step:
    op: str  # create, update, delete, replace, same, refresh, ...
    urn: str
    old: dict[str, Any]  # the recorded resource: type, inputs, outputs ({} for a create)
    new: dict[str, Any]  # the registered resource: type, inputs ({} for a delete)


@dataclass(frozen=True)
class PolicyViolation:
    policy: str  # the policy's name, e.g. campaigns-need-a-name-guard
    level: str  # mandatory fails the preview; advisory only warns
    resource: str  # the resource's name from its URN, e.g. campaign-18
    message: str  # the policy's description, then the violation's own text


@dataclass(frozen=True)
class PreviewOutput:
    diagnostics: list[Diagnostic]
    steps: list[Step]
    violations: list[PolicyViolation] = field(default_factory=list)
    # The engine's verdict: True/False from the event stream's summary; None when the input does not
    # say (`--json` has no verdict; a stream cut before its summary did not finish).
    engine_failed: bool | None = None
    streamed: bool = False  # read from the event stream (policy violations would be in it)
    finished: bool = True  # the event stream reached the engine's summary


def read_preview(text: str) -> PreviewOutput:
    """Either JSON form of a preview; UserFacingError for anything else."""
    stripped = text.strip()
    if not stripped:
        raise UserFacingError("the input is empty: pass the output of `pulumi preview --json`")
    try:
        whole = loads(stripped)
    except RecursionError:
        raise UnreadableInput("the preview", "nested too deeply to be `pulumi preview --json`") from None
    except ValueError:
        return _from_events(stripped)
    if isinstance(whole, dict) and not _is_event(whole):
        return _from_object(whole)
    if isinstance(whole, dict):  # a stream of a single event
        return _from_events(stripped)
    raise UserFacingError("the input is not the JSON of `pulumi preview --json` (expected an object)")


def _from_object(preview: dict[str, Any]) -> PreviewOutput:
    if not {"steps", "diagnostics", "changeSummary"} & preview.keys():
        raise UserFacingError(
            "the input is JSON, but not the output of `pulumi preview --json` (no steps, no diagnostics)"
        )
    diagnostics = [
        Diagnostic(str(d.get("severity", "")), _SEVERITY.sub("", str(d.get("message", ""))))
        for d in preview.get("diagnostics") or []
        if isinstance(d, dict)
    ]
    steps = [
        Step(str(s.get("op", "")), str(s.get("urn", "")), _dict(s.get("oldState")), _dict(s.get("newState")))
        for s in preview.get("steps") or []
        if isinstance(s, dict)
    ]
    return PreviewOutput(diagnostics, steps)


def _from_events(text: str) -> PreviewOutput:
    diagnostics: list[Diagnostic] = []
    steps: list[Step] = []
    violations: list[PolicyViolation] = []
    engine_failed: bool | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            event = loads(line)
        except RecursionError:
            raise UnreadableInput("the preview", f"line {number} is nested too deeply to be an event") from None
        except ValueError:
            raise UserFacingError(
                f"the input is not JSON (line {number} of the event stream): pass the output of `pulumi preview --json`"
            ) from None
        if not isinstance(event, dict) or not _is_event(event):
            raise UserFacingError(f"line {number} of the input is not an event of `pulumi preview --json`")
        if isinstance(diagnostic := event.get("diagnosticEvent"), dict):
            message = _SEVERITY.sub("", str(diagnostic.get("message", "")))
            diagnostics.append(Diagnostic(str(diagnostic.get("severity", "")), message))
        elif isinstance(pre := event.get("resourcePreEvent"), dict):
            meta = _dict(pre.get("metadata"))
            steps.append(
                Step(str(meta.get("op", "")), str(meta.get("urn", "")), _dict(meta.get("old")), _dict(meta.get("new")))
            )
        elif isinstance(policy := event.get("policyEvent"), dict):
            violations.append(
                PolicyViolation(
                    str(policy.get("policyName", "")),
                    str(policy.get("enforcementLevel", "")),
                    str(policy.get("resourceUrn", "")).rsplit("::", 1)[-1],
                    str(policy.get("message", "")).strip(),
                )
            )
        elif isinstance(summary := event.get("summaryEvent"), dict):
            engine_failed = summary.get("result") not in (None, "succeeded")
    finished = engine_failed is not None
    return PreviewOutput(diagnostics, steps, violations, engine_failed, streamed=True, finished=finished)


def _is_event(value: dict[str, Any]) -> bool:
    return "sequence" in value or any(key.endswith("Event") for key in value)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
