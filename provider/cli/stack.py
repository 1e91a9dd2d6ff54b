"""The campaigns project a helper works on, and its stack, read through the `pulumi` CLI.

A helper may run from any directory (`--project DIR`); it finds the stack's settings as the
program does: the stack given with `--stack`, else the one selected in that directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from provider.altcraft.client import AltcraftClient
from provider.errors import UserFacingError
from provider.inputs import parse_json
from provider.settings import CAMPAIGNS_FILE_KEY, Settings, campaigns_file

# The CLI this checkout installs (`make setup`), for a shell where `pulumi` is not on PATH.
BUNDLED_PULUMI = Path(__file__).resolve().parents[2] / ".tools" / "bin" / "pulumi"
PULUMI_TIMEOUT_S = 60
# `pulumi stack history` answers by pages: this many updates a page, and at most this many pages.
HISTORY_PAGE_SIZE, MAX_HISTORY_PAGES = 100, 1000


@dataclass(frozen=True)
class Project:
    directory: Path
    name: str
    stack: str | None = None  # from --stack; None: the stack selected in `directory`

    @classmethod
    def at(cls, directory: str | Path, stack: str | None = None) -> Project:
        """The project `directory` is in: the nearest Pulumi.yaml there or above, as `pulumi` finds it."""
        start = Path(directory).expanduser().resolve()
        manifest = next((d / "Pulumi.yaml" for d in (start, *start.parents) if (d / "Pulumi.yaml").is_file()), None)
        if manifest is None:
            raise UserFacingError(
                f"no Pulumi.yaml in {start} or any directory above it: run this inside the campaigns project or "
                "pass --project DIR"
            )
        root = manifest.parent
        try:
            loaded = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise UserFacingError(f"{manifest}: cannot read it ({error})") from None
        name = loaded.get("name") if isinstance(loaded, dict) else None
        if not isinstance(name, str) or not name:
            raise UserFacingError(f"{manifest}: no project `name`")
        return cls(root, name, stack)

    def stack_name(self) -> str | None:
        """The stack this helper reads: --stack, else the selected one; None without either."""
        if self.stack:
            return self.stack
        result = self._pulumi("stack", "--show-name")
        if result is None or result.returncode != 0:
            return None
        return result.stdout.strip() or None

    def configuration(self, stack: str, *, secrets: bool) -> dict[str, dict[str, object]]:
        """The stack's config: {key: {"value": ..., "secret": bool}}, secrets decrypted if asked.

        One `pulumi config` call for every setting, instead of one `pulumi config get` per key.
        """
        args = ["config", "--json", "--stack", stack] + (["--show-secrets"] if secrets else [])
        config = self.read_json(args, f"stack {stack}'s config")
        if not isinstance(config, dict):
            return {}
        return {key: entry for key, entry in config.items() if isinstance(entry, dict)}

    def update_history(self, stack: str) -> list[Any]:
        """Every entry of `pulumi stack history --json`, newest first: the CLI pages it (10 by default),
        so this reads page after page until a short one."""
        entries: list[Any] = []
        for page in range(1, MAX_HISTORY_PAGES + 1):
            args = ["stack", "history", "--json", "--stack", stack, "--page-size", str(HISTORY_PAGE_SIZE)]
            got = self.read_json([*args, "--page", str(page)], f"stack {stack}'s history")
            entries += got if isinstance(got, list) else []
            if not isinstance(got, list) or len(got) < HISTORY_PAGE_SIZE:
                return entries
        raise UserFacingError(f"stack {stack}'s history did not end after {MAX_HISTORY_PAGES} pages; stopping")

    def read_json(self, args: list[str], what: str) -> Any:
        """What `pulumi ARGS` prints as JSON; a UserFacingError naming `what` when it cannot."""
        result = self._pulumi(*args)
        if result is None:
            raise UserFacingError(f"cannot run pulumi to read {what}: is the Pulumi CLI installed?")
        if result.returncode != 0:
            said = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise UserFacingError(f"cannot read {what} in {self.directory}: {said}")
        return parse_json(result.stdout or "null", f"`pulumi {' '.join(args)}`'s output ({what})")

    def campaigns_file(self, config: dict[str, dict[str, object]]) -> tuple[Path, str]:
        """The stack's campaigns file (relative paths from the project) and what chose it."""
        configured = config_reader(config)(f"{self.name}:{CAMPAIGNS_FILE_KEY}")
        name, chosen_by = campaigns_file(configured)
        return self.directory / name, chosen_by

    def _pulumi(self, *args: str) -> subprocess.CompletedProcess[str] | None:
        pulumi = shutil.which("pulumi") or str(BUNDLED_PULUMI)
        try:
            return subprocess.run(
                [pulumi, *args, "--non-interactive"],
                cwd=self.directory,
                capture_output=True,
                text=True,
                timeout=PULUMI_TIMEOUT_S,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None


def connect(project: Project) -> tuple[AltcraftClient, str]:
    """A client found as `pulumi up` finds Altcraft (stack config, then the environment), and
    words saying where it points and which setting chose it."""
    stack = project.stack_name()
    config = project.configuration(stack, secrets=True) if stack else {}
    settings = Settings.from_sources(
        config_reader(config),
        os.environ,
        is_secret=lambda key: config.get(key, {}).get("secret") is True,
        stack=stack,
    )
    client = settings.client()
    where = f"stack {stack}" if stack else f"no stack selected in {project.directory}"
    return client, f"Altcraft at {client.redact(settings.url)} (from {settings.url_source}; {where})"


def config_reader(config: dict[str, dict[str, object]]) -> Callable[[str], str | None]:
    """A `config_get` for the settings layer over `Project.configuration`'s answer."""
    return lambda key: _text(config.get(key, {}).get("value"))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
