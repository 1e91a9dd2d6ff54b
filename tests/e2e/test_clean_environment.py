"""The project driven as a newcomer's shell and the Pulumi tools drive it, with nothing activated.

No PULUMI_PYTHON_CMD, no virtualenv on PATH, no PYTHONUNBUFFERED, no PULUMI_RUN_PROGRAM: only
where the state lives and its passphrase. Pulumi.yaml's `virtualenv: .venv` must be enough.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import Workspace
from tooling.pulumi_env import REPO_ROOT, TOOLS_BIN

FILE = "campaigns:\n  - {id: 18, name: Black Friday, active: true}\n  - {id: 19, name: Cyber Monday, active: true}\n"


def clean_env(stack: Workspace) -> dict[str, str]:
    kept = ("PULUMI_HOME", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE")
    home = stack.project_dir.parent / "home"
    home.mkdir(exist_ok=True)
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        **{key: stack.env[key] for key in kept},
    }


def pulumi(stack: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TOOLS_BIN / "pulumi"), "--non-interactive", *args],
        cwd=stack.project_dir,
        env=clean_env(stack),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_plain_pulumi_preview_and_up_use_the_projects_virtualenv(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.write("campaigns.yaml", FILE)
    preview = pulumi(stack, "preview")
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "campaign 18 Black Friday: inactive -> active (adopt)" in preview.stdout
    up = pulumi(stack, "up", "--yes")
    assert up.returncode == 0, up.stdout + up.stderr
    assert altcraft.admin.states()[18] == "active"
    again = pulumi(stack, "preview", "--expect-no-changes")
    assert again.returncode == 0, again.stdout + again.stderr


AUTOMATION = textwrap.dedent(
    """
    import json, sys
    from pulumi import automation as auto

    project, tools, stack_name = sys.argv[1:4]
    command = auto.PulumiCommand(root=tools, skip_version_check=True)
    stack = auto.select_stack(stack_name, work_dir=project, opts=auto.LocalWorkspaceOptions(pulumi_command=command))
    preview = stack.preview()
    up = stack.up()
    print(json.dumps({"preview": preview.change_summary, "up": up.summary.resource_changes, "out": up.stdout}))
    """
)


def test_the_automation_api_runs_the_project_as_it_is(stack: Workspace, altcraft: LocalAltcraft) -> None:
    stack.write("campaigns.yaml", FILE)
    # The venv's python runs the script (it needs the SDK); nothing else points at the venv.
    run = subprocess.run(
        [sys.executable, "-c", AUTOMATION, str(stack.project_dir), str(TOOLS_BIN.parent), stack.stack],
        env=clean_env(stack),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert '"up": {"create": 3}' in run.stdout, run.stdout[-3000:]  # the file's 2 campaigns and the stack
    assert altcraft.admin.states()[18] == "active"


def test_pulumi_install_keeps_the_virtualenv_it_finds(stack: Workspace) -> None:
    # A virtualenv of the project's own (not the shared one): pulumi install must not rebuild it.
    venv = stack.project_dir / ".venv"
    venv.unlink()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = next((venv / "lib").glob("python3*/site-packages"))
    shared = next((REPO_ROOT / ".venv" / "lib").glob("python3*/site-packages"))
    (site / "shared.pth").write_text(f"{shared}\n")  # the SDK and pip, without copying them
    before = (venv / "pyvenv.cfg").read_text()
    stack.write("requirements.txt", (REPO_ROOT / "requirements.txt").read_text())

    install = pulumi(stack, "install")
    assert install.returncode == 0, install.stdout + install.stderr
    assert "Finished installing dependencies" in install.stdout + install.stderr
    assert (venv / "pyvenv.cfg").read_text() == before  # not recreated with whatever python3 is on PATH
    assert not (stack.project_dir / "pyvenv.cfg").exists() and not (stack.project_dir / "lib").exists()
    check = subprocess.run([str(venv / "bin" / "python"), "-c", "import pulumi, requests, yaml"], timeout=60)
    assert check.returncode == 0
