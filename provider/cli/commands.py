"""What each command does once its arguments are parsed: check, export, summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from provider.altcraft.model import STATES
from provider.campaigns.loader import MAX_FILE_BYTES
from provider.cli import adopt, comment, export, history, summary
from provider.cli.check import check
from provider.cli.files import write_atomically
from provider.cli.preview_output import read_preview
from provider.cli.stack import Project, config_reader, connect
from provider.errors import UserFacingError
from provider.inputs import MAX_DOCUMENT_BYTES, read_regular_file, read_text_argument, utf8
from provider.settings import name_guards_required

# summary's exit codes besides 0: the preview failed (the output says why); no output (unreadable input).
SUMMARY_FAILED_PREVIEW, SUMMARY_UNREADABLE = 1, 2


def run_check(args: argparse.Namespace) -> None:
    """FILE alone is checked as a file; with a stack (--stack, or the selected one when no FILE is
    given), also by the stack's rules on the file: its name guards (altcraft:requireNameGuards)."""
    project = Project.at(args.project, args.stack) if args.stack or not args.file else None
    stack = project.stack_name() if project else None
    config = project.configuration(stack, secrets=False) if project and stack else {}
    path, chosen_by = (Path(args.file), None) if args.file or project is None else project.campaigns_file(config)
    guards = None
    if stack:
        required, source = name_guards_required(config_reader(config), stack)
        guards = (stack, source) if required else None
    for line in check(path, chosen_by, name_guards=guards):
        print(line)


def run_export(args: argparse.Namespace) -> None:
    states = [s.strip() for s in args.state.split(",") if s.strip()]
    if not states:
        # An empty list would export `campaigns: []`, and that file deployed releases every campaign.
        raise UserFacingError(f"--state {args.state!r} names no state; known: {', '.join(STATES)}")
    unknown = sorted(set(states) - set(STATES))
    if unknown:
        raise UserFacingError(f"unknown state(s) {', '.join(unknown)}; known: {', '.join(STATES)}")
    client, where = connect(Project.at(args.project, args.stack))
    print(where, file=sys.stderr)
    campaigns, unreadable = export.fetch(client, states)
    text = export.render(campaigns, client.redact(client.base_url), unreadable)
    if args.output:
        written = write_atomically(Path(args.output), text)
        print(f"wrote {len(campaigns)} campaign(s) to {_shown(Path(args.output), written)}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def run_summary(args: argparse.Namespace) -> None:
    summarized = _read_summary(args.preview)
    json_wanted = args.format == "json"
    sys.stdout.write(summary.to_json(summarized) if json_wanted else comment.to_markdown(summarized, args.full_list))
    if summarized.failed:
        sys.exit(SUMMARY_FAILED_PREVIEW)  # the comment is written: post it, and fail the check


def unreadable(message: str) -> NoReturn:
    """2, not 1: nothing was written, so the caller shows the preview's own log instead."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(SUMMARY_UNREADABLE)


def run_adopt_drift(args: argparse.Namespace) -> None:
    """The campaigns file made to say what Altcraft has now, for every drifted entry; the pull
    request's body on standard output."""
    summarized = _read_summary(args.preview)
    adoptions = adopt.drifted(summarized)
    project = None if args.file and not args.stack else Project.at(args.project, args.stack)
    stack = args.stack or (project.stack_name() if project else None)
    adopt.check_whose(summarized, project.name if project else None, stack)
    if args.file:
        path = Path(args.file)
    else:
        assert project is not None
        config = project.configuration(stack, secrets=False) if stack else {}
        path, _chosen_by = project.campaigns_file(config)
    if not adoptions:
        print("nothing drifted: the campaigns file is left as it is", file=sys.stderr)
        return
    text = utf8(read_regular_file(path, MAX_FILE_BYTES, str(path)), str(path))
    output = Path(args.output) if args.output else path
    written = write_atomically(output, adopt.adopt(text, str(path), adoptions))
    kept = sum(1 for a in adoptions if a.value is not None)
    shown = _shown(output, written)
    print(f"wrote {shown}: {kept} of {len(adoptions)} drifted campaign(s) now as Altcraft has them", file=sys.stderr)
    sys.stdout.write(adopt.pull_request_body(adoptions, path.name, stack))


def _shown(asked: Path, written: Path) -> str:
    """The path as given, and the file really written when a symlink led elsewhere."""
    return str(asked) if asked.resolve() == written and not asked.is_symlink() else f"{written} (through {asked})"


def _read_summary(preview: str) -> summary.Summary:
    """A preview's summary, or exit 2 naming why the input cannot be read (nothing is written)."""
    what = "standard input" if preview == "-" else preview
    try:
        return summary.summarize(read_preview(read_text_argument(preview, MAX_DOCUMENT_BYTES, what)))
    except UserFacingError as error:
        unreadable(str(error))


def run_history(args: argparse.Namespace) -> None:
    """Each campaign's deploys, newest first, with the update, commit and run they belong to."""
    project = Project.at(args.project, args.stack)
    stack = project.stack_name()
    if stack is None:
        raise UserFacingError(f"no stack selected in {project.directory}: pass --stack NAME")
    ids = set()
    for raw in args.ids:
        if not raw.isdigit() or int(raw) < 1:
            raise UserFacingError(f"{raw!r} is not a campaign id (a whole number >= 1)")
        ids.add(int(raw))
    state = project.read_json(["stack", "export", "--stack", stack], f"stack {stack}'s state")
    deployment = state.get("deployment") if isinstance(state, dict) else None
    resources = (deployment or {}).get("resources") or []
    updates = history.updates_of(project.update_history(stack))
    found = history.histories(resources, updates, ids)
    sys.stdout.write(history.to_json(found) if args.format == "json" else history.to_text(found))
    for missing in sorted(ids - {campaign.campaign_id for campaign in found}):
        sys.stderr.write(f"campaign {missing}: stack {stack} has no record of it (never deployed by this stack)\n")
