"""Command-line helpers around the campaigns file.

python -m provider export [--state active,inactive] [--output FILE]
    Write a campaigns file for the campaigns that exist in Altcraft now (onboarding).
    Finds Altcraft as `pulumi up` does: altcraft:url / altcraft:token of the current stack, else
    ALTCRAFT_URL / ALTCRAFT_TOKEN; says on standard error which it used.

python -m provider check [CAMPAIGNS_FILE]
    Validate a campaigns file without Altcraft (no URL, no token, no network): every problem with
    file, line and campaign, exit 1; else one line per entry with a window or a completion.

python -m provider summary [--format markdown|json] [PREVIEW_JSON]
    Turn `pulumi preview --json` (a file, or standard input) into "campaign, change, from, to, why",
    drift set apart from the file's own changes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from provider import export, summary
from provider.client import STATES, AltcraftClient
from provider.errors import UserFacingError
from provider.schedule import format_time
from provider.settings import Settings
from provider.spec import CampaignSpec, load_campaigns


def stack_configuration() -> dict[str, dict[str, object]]:
    """The current stack's config, secrets decrypted: {key: {"value": ..., "secret": bool}}.

    One `pulumi config` call for every setting, instead of one `pulumi config get` per key.
    Empty without pulumi, a login or a selected stack.
    """
    result = _pulumi("config", "--show-secrets", "--json")
    if result is None or result.returncode != 0:
        return {}
    try:
        config = json.loads(result.stdout)
    except ValueError:
        return {}
    return {key: entry for key, entry in config.items() if isinstance(entry, dict)} if isinstance(config, dict) else {}


def _pulumi(*args: str) -> subprocess.CompletedProcess[str] | None:
    pulumi = shutil.which("pulumi") or str(Path(__file__).resolve().parent.parent / ".tools" / "bin" / "pulumi")
    try:
        return subprocess.run([pulumi, *args, "--non-interactive"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None


def run_export(args: argparse.Namespace) -> None:
    states = [s.strip() for s in args.state.split(",") if s.strip()]
    unknown = sorted(set(states) - set(STATES))
    if unknown:
        raise UserFacingError(f"unknown state(s) {', '.join(unknown)}; known: {', '.join(STATES)}")
    client = connect()
    campaigns, unreadable = export.fetch(client, states)
    text = export.render(campaigns, client.redact(client.base_url), unreadable)
    if args.output:
        write_atomically(Path(args.output), text)
        print(f"wrote {len(campaigns)} campaign(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def connect() -> AltcraftClient:
    """A client found the way the program and the provider find it, saying where it points."""
    stack = current_stack()
    config = stack_configuration() if stack else {}
    settings = Settings.from_sources(
        lambda key: _text(config.get(key, {}).get("value")),
        os.environ,
        is_secret=lambda key: config.get(key, {}).get("secret") is True,
    )
    where = f"stack {stack}" if stack else "no stack selected"
    print(f"Altcraft at {settings.url} (from {settings.url_source}; {where})", file=sys.stderr)
    return settings.client()


def current_stack() -> str | None:
    """The selected stack's name, or None without pulumi, a login or a selected stack."""
    result = _pulumi("stack", "--show-name")
    if result is None or result.returncode != 0:
        return None
    return result.stdout.strip() or None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def write_atomically(path: Path, text: str) -> None:
    """The whole file or, if anything fails, the old one untouched: never a half-written file."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent or ".", delete=False) as tmp:
        try:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        except BaseException:
            os.unlink(tmp.name)
            raise
    os.replace(tmp.name, path)


def run_check(args: argparse.Namespace) -> None:
    specs = load_campaigns(args.file)
    for spec in specs:
        lifecycle = describe_lifecycle(spec)
        if lifecycle:
            print(f"{args.file}:{spec.line}: campaign {spec.id}: {lifecycle}")
    print(f"{args.file}: {len(specs)} campaign(s), valid (checked without Altcraft: ids and names are not)")


def describe_lifecycle(spec: CampaignSpec) -> str | None:
    """What a window or completion asks of Altcraft, in words; None for a plain entry."""
    if spec.completed:
        return "completed (irreversible)"
    start, end, complete = spec.schedule.active_from, spec.schedule.active_until, spec.schedule.complete_at
    if not (start or end or complete):
        return None
    steps = [f"waiting until {format_time(start)}, then active" if start else "active"]
    steps[-1] += f" until {format_time(end)}, then inactive" if end else ""
    steps += [f"completed at {format_time(complete)} (irreversible)"] if complete else []
    return ", ".join(steps)


def run_summary(args: argparse.Namespace) -> None:
    raw = Path(args.preview).read_text() if args.preview != "-" else sys.stdin.read()
    try:
        preview = json.loads(raw)
    except ValueError:
        raise UserFacingError("the input is not JSON: run `pulumi preview --json` and pass its output") from None
    if not isinstance(preview, dict):
        raise UserFacingError("the input is not the JSON of `pulumi preview --json` (expected an object)")
    found = summary.summarize(preview)
    sys.stdout.write(summary.to_json(found) if args.format == "json" else summary.to_markdown(found))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m provider", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    exporting = commands.add_parser("export", help="write a campaigns file for the live campaigns")
    exporting.add_argument(
        "--state",
        default=",".join(export.DEFAULT_STATES),
        help=f"comma-separated states to include (default: {','.join(export.DEFAULT_STATES)})",
    )
    exporting.add_argument("--output", help="file to write (default: standard output)")
    exporting.set_defaults(run=run_export)
    checking = commands.add_parser("check", help="validate a campaigns file without Altcraft")
    checking.add_argument("file", nargs="?", default="campaigns.yaml", help="campaigns file (default: campaigns.yaml)")
    checking.set_defaults(run=run_check)
    summarizing = commands.add_parser("summary", help="summarize `pulumi preview --json` for reviewers")
    summarizing.add_argument("preview", nargs="?", default="-", help="preview JSON file (default: standard input)")
    summarizing.add_argument("--format", choices=("markdown", "json"), default="markdown")
    summarizing.set_defaults(run=run_summary)
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except UserFacingError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
