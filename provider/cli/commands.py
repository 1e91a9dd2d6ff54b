"""What each command does once its arguments are parsed: check, export, summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from provider.altcraft.model import STATES
from provider.cli import comment, export, summary
from provider.cli.check import check
from provider.cli.files import write_atomically
from provider.cli.preview_output import read_preview
from provider.cli.stack import Project, connect
from provider.errors import UserFacingError

# summary's exit codes besides 0: the preview failed (the output says why); no output (unreadable input).
SUMMARY_FAILED_PREVIEW, SUMMARY_UNREADABLE = 1, 2


def run_check(args: argparse.Namespace) -> None:
    if args.file:
        path, chosen_by = Path(args.file), None
    else:
        project = Project.at(args.project, args.stack)
        stack = project.stack_name()
        config = project.configuration(stack, secrets=False) if stack else {}
        path, chosen_by = project.campaigns_file(config)
    for line in check(path, chosen_by):
        print(line)


def run_export(args: argparse.Namespace) -> None:
    states = [s.strip() for s in args.state.split(",") if s.strip()]
    unknown = sorted(set(states) - set(STATES))
    if unknown:
        raise UserFacingError(f"unknown state(s) {', '.join(unknown)}; known: {', '.join(STATES)}")
    client, where = connect(Project.at(args.project, args.stack))
    print(where, file=sys.stderr)
    campaigns, unreadable = export.fetch(client, states)
    text = export.render(campaigns, client.redact(client.base_url), unreadable)
    if args.output:
        write_atomically(Path(args.output), text)
        print(f"wrote {len(campaigns)} campaign(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def run_summary(args: argparse.Namespace) -> None:
    try:
        raw = Path(args.preview).read_text() if args.preview != "-" else sys.stdin.read()
        summarized = summary.summarize(read_preview(raw))
    except OSError as error:
        unreadable(f"{args.preview}: cannot read it ({error.strerror})")
    except UnicodeDecodeError:
        unreadable(f"{args.preview}: not UTF-8 text; pass the output of `pulumi preview --json`")
    except UserFacingError as error:
        unreadable(str(error))
    json_wanted = args.format == "json"
    sys.stdout.write(summary.to_json(summarized) if json_wanted else comment.to_markdown(summarized, args.full_list))
    if summarized.failed:
        sys.exit(SUMMARY_FAILED_PREVIEW)  # the comment is written: post it, and fail the check


def unreadable(message: str) -> NoReturn:
    """2, not 1: nothing was written, so the caller shows the preview's own log instead."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(SUMMARY_UNREADABLE)
