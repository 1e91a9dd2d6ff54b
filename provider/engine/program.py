"""The Pulumi program: campaigns file -> review against Altcraft -> one resource per campaign.

Data flows one way: the file becomes validated specs; the review compares them with live Altcraft
(one listing) and the last deployment, and fails the run before any resource is registered if an
entry cannot be honoured, so not even `pulumi up --skip-preview` sends a write then. Otherwise it
describes every call `pulumi up` would send, one line each, and registers the campaigns, and a
removal record for each campaign that left the file (`provider.planning.removals`).
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections import Counter
from datetime import datetime, timedelta
from typing import Any, NoReturn

import pulumi
from pulumi.runtime.config import is_config_secret

from provider.altcraft.clock import machine_now, relative, trusted_now
from provider.altcraft.live_view import LiveView
from provider.campaigns.loader import CampaignSpec, load_campaigns, missing_name_guards
from provider.engine import reviewed_plan, workarounds
from provider.engine.campaign_provider import CampaignResource
from provider.engine.checkpoint import last_checkpoint, stack_resources, this_stack
from provider.engine.removal_record import RemovalResource
from provider.engine.reviewed_plan import REVIEWED_PLAN_ENV
from provider.engine.saved_settings import changed_since, saved_provider_config, stale_note
from provider.errors import ClockError, SpecError, UserFacingError
from provider.planning.freezes import (
    break_glass_line,
    break_glass_reason,
    current,
    freeze_refusal,
    parse_freezes,
    refused,
    risk_of,
    upcoming,
    upcoming_note,
)
from provider.planning.lines import PlannedChange, clock_line, clock_moment
from provider.planning.plan import CampaignPlan, review_id
from provider.planning.reconcile import Desired, satisfies
from provider.planning.record import Deployed, campaigns_in
from provider.planning.removals import removals_to_declare
from provider.planning.review import over_limit, review_campaigns
from provider.planning.review_record import ReviewRecord
from provider.planning.reviewed import follow, left_line, moved_refusal
from provider.planning.siblings import SIBLING_STACKS_KEY, claims, conflicts, id_ranges, sibling_stacks
from provider.settings import (
    BREAK_GLASS,
    CAMPAIGNS_FILE_KEY,
    FREEZES,
    Settings,
    campaigns_file,
    max_changes,
    max_clock_skew,
    name_guards_required,
    review_changes,
)

CLOCK_SKEW_WORTH_SAYING = timedelta(minutes=2)


def run() -> None:
    workarounds.install_in_program()
    path, chosen_by = campaigns_file(pulumi.Config().get(CAMPAIGNS_FILE_KEY))
    stack_name = pulumi.get_stack()
    try:
        specs = load_campaigns(path, chosen_by)  # before any network: a broken file costs no API call
        settings = Settings.from_sources(stack_config, os.environ, is_secret=is_config_secret, stack=stack_name)
        limit = max_changes(stack_config, os.environ)  # every setting checked before any network
        skew_s, skew_source = max_clock_skew(stack_config, os.environ)
        guarded, guard_source = name_guards_required(stack_config, stack_name)
        freezes = parse_freezes(stack_config(FREEZES.key), FREEZES.key)
        glass = break_glass_reason(os.environ.get(BREAK_GLASS.env), BREAK_GLASS.env)
        review_limit = review_changes(stack_config)
        unguarded = missing_name_guards(specs, stack_name, guard_source) if guarded else []
        if unguarded:  # a mandatory rule, all or nothing: no entry of the file is applied
            raise SpecError(path, unguarded)
        stack = this_stack()
        siblings = sibling_stacks(stack_config(SIBLING_STACKS_KEY), stack)
        ids = [spec.id for spec in specs]
        taken = conflicts(specs, claims(siblings, stack_resources, ids), stack) if siblings else []
        if taken:  # before any call to Altcraft: neither stack may flip the other's campaign
            raise SpecError(path, taken)
        client = settings.client()
        # Free text a person typed: the token (or a URL's password) pasted into it is never stored,
        # printed or sent on (the ledger, the preview's JSON, history).
        glass = client.redact(glass) if glass is not None else None
        freezes = [dataclasses.replace(freeze, name=client.redact(freeze.name)) for freeze in freezes]
        checkpoint = last_checkpoint()
        view = LiveView(client)
        timed = [spec for spec in specs if spec.schedule]

        def clock() -> datetime:
            # Only a run that decides by the time must trust a clock (provider.altcraft.clock): one
            # with windows, or with freezes.
            if not timed and not freezes:
                return client.now()
            return trusted_now(
                client.clock.reading(), timedelta(seconds=skew_s), skew_source, client.redact(settings.url)
            )

        deployed = campaigns_in(checkpoint)
        review = review_campaigns(specs, view.get, deployed, clock, removed_at=specs.line)
        clock()  # again: every answer of the review, not only those before it first read the time
        reviewed = reviewed_plan.from_environment(stack_name, pulumi.get_project())
    except ClockError as error:
        fail(clock_failure(error, path, timed) if timed else freeze_clock_failure(error))
    except UserFacingError as error:
        fail(str(error))
    stale = changed_since(saved_provider_config(checkpoint), stack_config)
    skew = client.clock_offset()
    warnings: list[str] = []  # logged, and kept in the review record's notes
    if skew is not None and abs(skew) > CLOCK_SKEW_WORTH_SAYING:
        warnings.append(
            f"Altcraft's clock is {relative(skew)} this machine's; windows are read by Altcraft's clock, the one "
            "it starts and stops campaigns by"
        )
    where = f"Altcraft at {client.redact(settings.url)} (from {settings.url_source}, stack {stack_name})"
    if review.problems:
        fail(f"{SpecError(path, review.problems)}\n(checked against {where})")
    # The one decision of this run: the calls its review listed, or, applying a reviewed plan, the
    # plan's calls that still apply. The change limit, the freeze and the risk judge exactly these.
    rid = review_id(machine_now())
    if reviewed is None:
        changes, left = review.changes, []
        plans = {change.campaign_id: CampaignPlan.of_change(change, _applied(deployed, change)) for change in changes}
    else:
        followed = follow(reviewed, review.changes, view.find)
        if followed.moved:
            refusal = moved_refusal(followed.moved, os.environ[REVIEWED_PLAN_ENV], REVIEWED_PLAN_ENV)
            fail(f"{refusal}\n(checked against {where})")
        changes, left, plans = followed.changes, followed.left, followed.plans
    too_many = over_limit(changes, *limit)
    if too_many:
        fail(f"{path}: {too_many}\n(checked against {where})")
    freeze = current(freezes, review.now) if freezes else None
    blocked = refused(changes) if freeze else []
    if blocked and glass is None:
        fail(f"{freeze_refusal(freeze, blocked, review.now, BREAK_GLASS.env)}\n(checked against {where})")
    passed = freeze if blocked else None
    glass_for = {change.campaign_id for change in blocked}  # the calls break-glass lets through
    # Worded for any command that runs the program (refresh and destroy do, with --run-program).
    count = sum(change.calls for change in changes)
    if count:
        pulumi.log.info(f"`pulumi up` would send {count} call{'s' if count > 1 else ''} to {where}:")
    elif review.kept:
        pulumi.log.info(f"{where}: `pulumi up` would send no calls")
    else:
        pulumi.log.info(f"{where} matches {path}: `pulumi up` would send no calls")
    if review.now is not None and (timed or freezes):  # the moment windows and freezes were judged at
        pulumi.log.info(clock_line(review.now))
    for change in changes:  # an irreversible call stands out as a warning
        (pulumi.log.warn if change.irreversible else pulumi.log.info)(change.line())
    for change in left:
        pulumi.log.warn(left_line(change))
    if passed is not None:
        pulumi.log.warn(break_glass_line(glass, passed, len(blocked)))
    elif glass is not None:
        pulumi.log.info(f"{BREAK_GLASS.env} is set, but no freeze refuses a call of this run: it lets nothing through")
    soon = upcoming(freezes, review.now) if freezes and freeze is None else None
    held_back = refused(changes) if soon is not None else []
    if held_back:
        warnings.append(upcoming_note(soon, held_back, review.now))
    risk = risk_of(changes, passed, count, *review_limit)
    pulumi.log.info(risk.line())
    for launch in review.launches:
        pulumi.log.info(launch)
    warnings += review.notes
    for warning in warnings:
        pulumi.log.warn(warning)
    if review.kept:
        pulumi.log.info("Changed in Altcraft outside the file, and kept (drift: keep):")
    for kept in review.kept:
        pulumi.log.info(kept.line())
    if stale:
        # The refresh before the program (no --run-program) read Altcraft with the saved values: the
        # old account, or a revoked token. This run's listing, with the new values, decides instead.
        pulumi.log.info(stale_note(stale, where))
    # The decision as data, for the summary, adopt-drift and bots (provider.planning.review_record).
    read_at = clock_moment(review.now) if review.now is not None and (timed or freezes) else None
    glass_used = glass if passed else None
    record = ReviewRecord(
        rid, stack_name, pulumi.get_project(), read_at, changes, review.kept, left, risk, glass_used, warnings
    )
    pulumi.log.info(record.line())
    in_file = {spec.id for spec in specs}
    campaigns = [
        CampaignResource(
            desired,
            plan=plans.get(desired.campaign_id),
            break_glass=glass if desired.campaign_id in glass_for else None,
        )
        for desired in review.desired
    ]
    # Entries that left the file are released by their removal records, which keep their ledgers.
    releases = {campaign_id: plan for campaign_id, plan in plans.items() if campaign_id not in in_file}
    for removal in removals_to_declare(checkpoint, in_file, releases):
        RemovalResource(removal)
    pulumi.export("campaigns", stack_summary(review.desired, campaigns))


def _applied(deployed: dict[int, Deployed], change: PlannedChange) -> str | None:
    record = deployed.get(change.campaign_id)
    return record.applied if record is not None else None


def clock_failure(error: ClockError, path: str, timed: list[CampaignSpec], shown: int = 5) -> str:
    """The clock's reason, the entries that made this run depend on the time, and what was sent."""
    entries = ", ".join(f"{path}:{spec.line} campaign {spec.id}" for spec in timed[:shown])
    more = f" and {len(timed) - shown} more" if len(timed) > shown else ""
    return (
        f"{error}.\nThe entries with a window or complete_at ({entries}{more}) are read by the clock, so this run "
        "cannot trust what they ask for now. Nothing was sent to Altcraft."
    )


def freeze_clock_failure(error: ClockError) -> str:
    """The clock's reason, when only the stack's freezes made this run depend on the time."""
    return (
        f"{error}.\nThe stack has change freezes ({FREEZES.key}), read by the clock, so this run cannot tell "
        "whether one is on. Nothing was sent to Altcraft."
    )


def stack_config(key: str) -> str | None:
    """A stack config value by its full key, e.g. `altcraft:url`, as the provider's configure() sees it."""
    namespace, _, name = key.rpartition(":")
    return pulumi.Config(namespace or None).get(name)


def fail(message: str) -> NoReturn:
    # The message alone, no traceback; exit code 32 tells the language host the error is shown.
    pulumi.log.error(message)
    sys.exit(32)


def stack_summary(desired: list[Desired], campaigns: list[CampaignResource]) -> dict[str, Any]:
    """Counts, plus the campaigns whose recorded state is not what the file asks for.

    Not a list of every campaign: that grew with the account, buried a pull request's few changes
    in `pulumi preview --diff`, and (with names in it) made `pulumi up --plan` fail on a rename.
    """
    states = pulumi.Output.all(*[campaign.state for campaign in campaigns])
    return {
        "managed": len(desired),
        "ids": id_ranges(
            entry.campaign_id for entry in desired
        ),  # what a sibling stack reads (provider.planning.siblings)
        "states": states.apply(lambda known: dict(sorted(Counter(known).items()))),
        "not_in_desired_state": states.apply(lambda known: not_in_desired_state(desired, known)),
    }


def not_in_desired_state(desired: list[Desired], states: list[str]) -> dict[str, str]:
    pairs = zip(desired, states, strict=True)
    return {str(entry.campaign_id): state for entry, state in pairs if not satisfies(state, entry.target)}
