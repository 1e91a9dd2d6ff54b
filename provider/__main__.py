"""Command-line helpers around the campaigns file.

python -m provider export [--state active,inactive] [--output FILE]
    Write a campaigns file for the campaigns that exist in Altcraft now (onboarding).
    Reads ALTCRAFT_URL / ALTCRAFT_TOKEN, else altcraft:url / altcraft:token of the current stack.

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
from provider.settings import Settings


def stack_config(key: str) -> str | None:
    """A value of the current stack's config (secrets decrypted), or None without pulumi or stack."""
    result = _pulumi("config", "get", key)
    return result.stdout.rstrip("\n") if result is not None and result.returncode == 0 else None


def stack_config_is_secret(key: str) -> bool:
    result = _pulumi("config", "get", key, "--json")
    try:
        return bool(json.loads(result.stdout).get("secret")) if result is not None else False
    except ValueError:
        return False


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
    settings = (
        Settings.from_sources(stack_config, os.environ, is_secret=stack_config_is_secret)
        if stack
        else Settings.from_sources(lambda _key: None, os.environ)
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
