"""Applying a reviewed plan (`pulumi up --plan`) in an account that moved on: which calls go. No I/O.

`pulumi up --plan plan.json` lets the engine accept only the inputs the preview that saved the plan
declared. This run's own review, made minutes or hours later, sees Altcraft as it is now: a
campaign someone changed in the web UI since would get calls the reviewer never saw, and the
engine would refuse the whole deploy for it. So when the run is told which plan it applies
(ALTCRAFT_REVIEWED_PLAN), the calls are the plan's, campaign by campaign:

- a campaign the plan sends nothing to is left as it is now, whatever this run's review would do:
  it is reported (`left`), and the next preview and the drift watch show it;
- a campaign the plan sends calls to gets exactly those, if Altcraft still shows the state the
  plan started from; if it does not, the reviewed calls no longer mean what the reviewer approved,
  and the whole run is refused before any call (`moved`): re-run the preview and review again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from provider.altcraft.model import LiveCampaign
from provider.campaigns.schedule import Schedule
from provider.planning.lines import Edit, PlannedChange, who
from provider.planning.plan import CampaignPlan


@dataclass(frozen=True)
class Followed:
    changes: list[PlannedChange]  # what this run sends: the plan's calls, sorted by campaign id
    plans: dict[int, CampaignPlan]  # the same, as the resources carry them
    left: list[PlannedChange] = field(default_factory=list)  # this run's review would change these; the plan did not
    moved: list[str] = field(default_factory=list)  # why a planned campaign's calls no longer apply


def follow(
    reviewed: Mapping[int, CampaignPlan],
    now: Sequence[PlannedChange],
    lookup: Callable[[int], LiveCampaign | None],
) -> Followed:
    """The calls of the reviewed plan that still apply; `now` is this run's own review, `lookup`
    the campaign as this run read it (None: not in Altcraft)."""
    current = {change.campaign_id: change for change in now}
    changes, plans, moved = [], {}, []
    for campaign_id in sorted(reviewed):
        plan = reviewed[campaign_id]
        live = lookup(campaign_id)
        if live is None or live.state != plan.start:
            state = live.state if live is not None else "not found in Altcraft"
            edit = f" ({Edit.of(live).text()})" if live is not None else ""
            moved.append(
                f"{who(campaign_id, live.name if live else '')}: the reviewed plan sends {', '.join(plan.calls)} "
                f"from {plan.start}, but it is {state} now{edit}"
            )
            continue
        seen = current.get(campaign_id)
        schedule = seen.schedule if seen is not None else Schedule()
        edit = Edit.of(live) if plan.cause == "drift" else None
        changes.append(
            PlannedChange(campaign_id, live.name, plan.start, plan.end, plan.cause, plan.calls, schedule, edit)  # type: ignore[arg-type]
        )
        plans[campaign_id] = plan
    left = [change for change in now if change.campaign_id not in reviewed]
    return Followed(changes, plans, left, moved)


def moved_refusal(moved: Sequence[str], plan_file: str, env: str) -> str:
    return (
        f"the reviewed plan ({plan_file}, from {env}) no longer applies: Altcraft changed since the review for "
        f"{len(moved)} campaign{'s' if len(moved) != 1 else ''} it sends calls to:\n"
        + "\n".join(f"  {line}" for line in moved)
        + "\nNothing was sent to Altcraft. Run the preview again and review the new plan."
    )


def left_line(change: PlannedChange) -> str:
    """A campaign this run leaves as it is, because the reviewed plan sends it nothing."""
    return (
        f"{who(change.campaign_id, change.name)}: {change.before} now; this run's review would send "
        f"{', '.join(change.methods)} ({change.cause}), but the reviewed plan sends it nothing, so it is left as it "
        "is (the next preview shows it)"
    )
