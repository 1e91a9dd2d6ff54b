"""The command-line helpers as a user meets them: the console script, --help, settings refused early."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from provider.campaigns.loader import load_campaigns
from provider.cli.stack import Project
from provider.errors import UserFacingError
from tooling.pulumi_env import REPO_ROOT

CONSOLE_SCRIPT = Path(sys.executable).with_name("altcraft-campaigns")


def test_the_console_script_runs_from_any_directory(tmp_path: Path) -> None:
    assert CONSOLE_SCRIPT.exists(), "make setup installs the console script (pip install -e .)"
    (tmp_path / "mine.yaml").write_text("campaigns:\n  - {id: 18, active: true}\n")
    env = {"PATH": "/usr/bin:/bin"}  # no venv on PATH, no PYTHONPATH, no Altcraft settings
    run = subprocess.run(
        [str(CONSOLE_SCRIPT), "check", "mine.yaml"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "mine.yaml: 1 campaign(s), valid (checked without Altcraft: ids and names are not)\n"

    # Without FILE: the project's file; --project points at it from elsewhere.
    run = subprocess.run(
        [str(CONSOLE_SCRIPT), "check", "--project", str(REPO_ROOT)], cwd=tmp_path, capture_output=True, text=True,
        env={**env, "PULUMI_HOME": str(tmp_path / "home")},  # no login: no stack selected
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1].startswith(f"{REPO_ROOT / 'campaigns.yaml'}: ")


def test_a_directory_without_pulumi_yaml_is_refused_with_the_option_that_fixes_it(tmp_path: Path) -> None:
    with pytest.raises(
        UserFacingError, match=r"no Pulumi.yaml in .* or any directory above it: run this inside the campaigns project"
    ):
        Project.at(tmp_path)
    run = subprocess.run(
        [str(CONSOLE_SCRIPT), "export"], cwd=tmp_path, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr and "--project DIR" in run.stderr


def test_check_works_from_any_directory_inside_the_project_as_pulumi_does(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "docs" / "notes").mkdir(parents=True)
    (project / "Pulumi.yaml").write_text("name: altcraft-campaigns\nruntime: python\n")
    (project / "campaigns.yaml").write_text("campaigns:\n  - {id: 18, active: true}\n")
    env = {"PATH": "/usr/bin:/bin", "PULUMI_HOME": str(tmp_path / "home")}  # no stack selected
    run = subprocess.run(
        [str(CONSOLE_SCRIPT), "check"], cwd=project / "docs" / "notes", capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert (
        run.stdout
        == f"{project / 'campaigns.yaml'}: 1 campaign(s), valid (checked without Altcraft: ids and names are not)\n"
    )


def test_check_warns_of_a_window_already_over_in_the_previews_words(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from provider.cli.check import check
    from provider.planning.review import ended_note

    path = tmp_path / "campaigns.yaml"
    path.write_text(
        "campaigns:\n  - {id: 18, active: true}\n"
        "  - {id: 19, name: BF, active: true, active_from: 2025-11-27T00:00:00+03:00, active_until: 2025-12-01T00:00:00+03:00}\n"
    )
    now = datetime(2026, 11, 20, tzinfo=UTC)
    lines = check(path, now=lambda: now)
    spec = load_campaigns(path)[1]
    assert lines[-2] == f"{path}:3: warning: {ended_note('campaign 19 BF', spec.schedule, now, 'now')}"
    assert lines[-2].endswith(
        "its window ended at 2025-12-01T00:00:00+03:00, before now (2026-11-20T00:00:00Z); the entry now means "
        "inactive. Is the year right?"
    )
    assert lines[-1].endswith("2 campaign(s), valid, 1 warning(s) (checked without Altcraft: ids and names are not)")
    # Through the console script, with this machine's clock: still valid, exit 0.
    run = subprocess.run([str(CONSOLE_SCRIPT), "check", str(path)], capture_output=True, text=True)
    assert run.returncode == 0 and "Is the year right?" in run.stdout, run.stderr


URL, TOKEN = {"altcraft:url": "https://altcraft.test"}, {"altcraft:token": "t0ken"}


def test_the_update_history_is_read_page_by_page_to_the_end(tmp_path, monkeypatch) -> None:
    """`pulumi stack history` gives 10 updates unless asked for more, page by page: all are read."""
    from provider.cli.stack import HISTORY_PAGE_SIZE, Project

    fake = tmp_path / "bin" / "pulumi"
    fake.parent.mkdir()
    fake.write_text(
        "#!/usr/bin/env python3\n"
        "import json, sys\n"
        "args = sys.argv[1:]\n"
        "page, size = int(args[args.index('--page') + 1]), int(args[args.index('--page-size') + 1])\n"
        "total = size + 5\n"
        "first = (page - 1) * size\n"
        "print(json.dumps([{'version': i, 'kind': 'update'} for i in range(first, min(first + size, total))]))\n"
    )
    fake.chmod(0o755)
    (tmp_path / "Pulumi.yaml").write_text("name: altcraft-campaigns\nruntime: python\n")
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    entries = Project.at(tmp_path, "test").update_history("test")
    assert [entry["version"] for entry in entries] == list(range(HISTORY_PAGE_SIZE + 5))


@pytest.mark.parametrize("states", [",", "", " ", " , "])
def test_export_refuses_a_list_of_no_state_before_anything_else(tmp_path: Path, states: str) -> None:
    """`campaigns: []` from an empty list, written over the reviewed file, would release every campaign."""
    target = tmp_path / "campaigns.yaml"
    target.write_text("campaigns:\n  - {id: 18, active: true}\n")
    run = subprocess.run(
        [str(CONSOLE_SCRIPT), "export", "--state", states, "--output", str(target), "--project", str(REPO_ROOT)],
        cwd=tmp_path, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PULUMI_HOME": str(tmp_path / "h")},
    )  # fmt: skip
    assert run.returncode == 1 and "names no state" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert target.read_text() == "campaigns:\n  - {id: 18, active: true}\n"


def test_unreadable_inputs_exit_2_at_once_with_no_traceback(tmp_path: Path) -> None:
    """Issue 31, cases 7 and 8: a FIFO or /dev/zero hung; deep or non-standard JSON was a traceback (exit 1)."""
    fifo = tmp_path / "campaigns.yaml"
    os.mkfifo(fifo)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    nan = tmp_path / "nan.json"
    nan.write_text('{"steps": [], "diagnostics": [], "x": NaN}')
    env = {"PATH": "/usr/bin:/bin", "PULUMI_HOME": str(tmp_path / "h")}
    for args in (
        ["summary", "/dev/zero"],
        ["summary", str(deep)],
        ["summary", str(nan)],
        ["adopt-drift", str(deep), "--file", str(fifo)],
        ["adopt-drift", "--file", str(fifo), str(REPO_ROOT / "tests" / "data" / "preview.json")],
    ):
        run = subprocess.run(
            [str(CONSOLE_SCRIPT), *args], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60
        )
        assert run.returncode == 2, (args, run.returncode, run.stderr)
        assert run.stderr.startswith("error: ") and "Traceback" not in run.stderr, (args, run.stderr)
