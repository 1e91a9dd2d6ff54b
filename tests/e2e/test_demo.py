"""`make demo` after the walk-through: its own campaigns file and stack, whatever campaigns.yaml holds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tooling.pulumi_env import REPO_ROOT

# What `altcraft-campaigns export --output campaigns.yaml` writes for some other account (step 5).
EXPORTED = "campaigns:\n  - id: 5001\n    name: Another account's campaign\n    active: true\n"


def checkout_copy(dest: Path) -> Path:
    """The repository's tracked and new files in `dest`, with this checkout's .venv and CLI."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    for name in listed.stdout.splitlines():
        if (REPO_ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, dest / name)
    for tool in (".venv", ".tools"):
        (dest / tool).symlink_to(REPO_ROOT / tool)
    return dest


def test_the_walk_throughs_export_does_not_break_the_demo(tmp_path: Path) -> None:
    repo = checkout_copy(tmp_path / "repo")
    (repo / "campaigns.yaml").write_text(EXPORTED)  # the walk-through overwrote the example file
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PULUMI_", "ALTCRAFT_"))}
    demo = subprocess.run(
        [sys.executable, "-m", "tooling.demo"], cwd=repo, env=env, capture_output=True, text=True, timeout=600
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "campaign 18 Black Friday: inactive -> active" in demo.stdout  # the demo's own file was applied
    assert "5001" not in demo.stdout
    assert "Edit examples/demo/campaigns.yaml" in demo.stdout
    assert not (repo / "Pulumi.demo.yaml").exists()  # the demo's stack lives in its own project copy
