"""altcraft-campaigns: the command-line helpers around a campaigns project (also `python -m provider.cli`).

  check    validate a campaigns file without Altcraft (no URL, no token, no network)
  export   write a campaigns file for the campaigns that exist in Altcraft now (onboarding)
  summary  turn `pulumi preview --json` into the pull-request comment (or JSON for bots)
  adopt-drift  make the campaigns file say what Altcraft has now for every drifted campaign
  history  who changed each campaign, when and why: its deploys, with their commits and CI runs

Thin over the provider's own modules: `check` runs the program's loader, `export` the provider's
client, `summary` reads the lines the program's review writes. This module parses the arguments;
provider.cli.commands does what each command says.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata

from provider import settings
from provider.altcraft.model import STATES
from provider.cli import comment, export
from provider.cli.commands import run_adopt_drift, run_check, run_export, run_history, run_summary
from provider.cli.preview_output import STREAMING_ENV
from provider.errors import UnreadableInput, UserFacingError
from provider.settings import DEFAULT_CAMPAIGNS_FILE

PROG = "altcraft-campaigns"


def settings_help() -> str:
    """Every setting, from the list the program and provider read (provider.settings.ALL)."""
    rows = [(f"{s.key} (secret)" if s.secret else s.key or "-", s.env, s.described) for s in settings.ALL]
    table = "\n".join(f"  {key:<32} {env:<34} {what}" for key, env, what in rows)
    overrides = " and ".join(s.env for s in settings.OVERRIDDEN_FOR_ONE_RUN)
    return (
        "settings: stack config (`pulumi config set KEY VALUE`), else the environment variable;\n"
        f"{overrides} override the stack's value for one run.\n"
        f"  {'config key':<32} {'environment variable':<34} meaning\n{table}\n\n"
        "stack: --stack NAME, else the stack selected in the project directory (`pulumi stack select`);\n"
        "with neither, the environment variables alone. export says on standard error which URL and\n"
        "stack it used. Pulumi's own variables apply as for `pulumi`: PULUMI_BACKEND_URL (where state\n"
        "lives), PULUMI_CONFIG_PASSPHRASE (a file backend's secrets, so the token can be decrypted)."
    )


# An input that cannot be read (not a regular file, too large, not UTF-8 or JSON): nothing written.
UNREADABLE_EXIT = 2


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except UnreadableInput as error:  # nothing was written or sent: 2, as for every unreadable input
        print(f"error: {error}", file=sys.stderr)
        sys.exit(UNREADABLE_EXIT)
    except UserFacingError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)


def parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    top = argparse.ArgumentParser(
        prog=PROG, description=__doc__.split("\n\n")[0], epilog=settings_help(), formatter_class=formatter
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    in_project = argparse.ArgumentParser(add_help=False)
    in_project.add_argument(
        "--project", default=".", metavar="DIR", help="the campaigns project (with Pulumi.yaml); default: here"
    )
    in_project.add_argument("--stack", metavar="NAME", help="the stack to read; default: the selected one")
    commands = top.add_subparsers(dest="command", required=True, metavar="{check,export,summary,adopt-drift,history}")

    checking = commands.add_parser(
        "check", parents=[in_project], help="validate a campaigns file without Altcraft", epilog=settings_help(),
        formatter_class=formatter,
        description="Validate a campaigns file with no URL, token or network: every problem with file, line and "
        "campaign, exit 1. Without FILE: the stack's campaignsFile (--stack, or the selected stack), else "
        f"{DEFAULT_CAMPAIGNS_FILE}, in the project directory. With a stack, also its rule that every entry "
        "has a name guard (altcraft:requireNameGuards).",
    )  # fmt: skip
    checking.add_argument("file", nargs="?", metavar="FILE", help="campaigns file (default: the stack's)")
    checking.set_defaults(run=run_check)

    exporting = commands.add_parser(
        "export", parents=[in_project], help="write a campaigns file for the live campaigns", epilog=settings_help(),
        formatter_class=formatter,
        description="Write a campaigns file that adopts the campaigns in Altcraft as they are (no write on the "
        "first up). Finds Altcraft as `pulumi up` does.",
    )  # fmt: skip
    exporting.add_argument(
        "--state",
        default=",".join(export.DEFAULT_STATES),
        help=f"comma-separated states to include (default: {','.join(export.DEFAULT_STATES)}; "
        f"known: {','.join(STATES)})",
    )
    exporting.add_argument("--output", metavar="FILE", help="file to write (default: standard output)")
    exporting.set_defaults(run=run_export)

    summarizing = commands.add_parser(
        "summary", help="summarize `pulumi preview --json` for reviewers",
        description="Turn `pulumi preview --json` (a file, or standard input) into the verdict, then campaign, "
        "change, from, to and why, drift set apart from the file's own changes. Reads no stack and calls no one. "
        f"With {STREAMING_ENV}=1 the preview streams engine events, which carry policy violations: pass that "
        "form to see a policy's reason. Exit 0: the preview succeeded; 1: it failed (the output says why); 2: the "
        "input could not be read (nothing is written).",
    )  # fmt: skip
    summarizing.add_argument("preview", nargs="?", default="-", help="preview JSON file (default: standard input)")
    summarizing.add_argument("--format", choices=("markdown", "json"), default="markdown")
    summarizing.add_argument(
        "--full-list", metavar="TEXT", default=comment.DEFAULT_FULL_LIST,
        help="where a reader finds rows the comment has no room for, e.g. the CI run's artifacts URL",
    )  # fmt: skip
    summarizing.set_defaults(run=run_summary)

    adopting = commands.add_parser(
        "adopt-drift", parents=[in_project], help="make the campaigns file say what Altcraft has now (drift)",
        description="From `pulumi preview --json` (a file, or standard input): edit only the drifted entries of the "
        "stack's campaigns file so they say what Altcraft has now (comments and layout kept), and print a "
        "pull-request body naming who changed each campaign in Altcraft and when. Merge that pull request to keep "
        "the changes; close it and the next `pulumi up` puts them back.",
    )  # fmt: skip
    adopting.add_argument("preview", nargs="?", default="-", help="preview JSON file (default: standard input)")
    adopting.add_argument("--file", metavar="FILE", help="the campaigns file (default: the stack's)")
    adopting.add_argument("--output", metavar="FILE", help="where to write the edited file (default: over --file)")
    adopting.set_defaults(run=run_adopt_drift)

    showing = commands.add_parser(
        "history", parents=[in_project], help="who changed each campaign, when and why",
        description="Each campaign's deploys that sent calls, newest first: when, the calls, the cause (adopt, "
        "change, drift: with who had changed it in Altcraft), and the Pulumi update with its commit, author, pull "
        "request and CI run (from `pulumi stack history`). Reads the stack's state and history; calls no one.",
    )  # fmt: skip
    showing.add_argument("ids", nargs="*", metavar="ID", help="campaign ids (default: every campaign with a call)")
    showing.add_argument("--format", choices=("text", "json"), default="text")
    showing.set_defaults(run=run_history)
    return top


def version() -> str:
    try:
        return metadata.version(PROG)
    except metadata.PackageNotFoundError:  # run as `python -m provider.cli` without `make setup`
        return "(not installed: run `make setup`)"
