"""Drift becomes a decision (issue 22), with the real CLI and the stand-in: `adopt-drift` edits only
the drifted entries, names who changed them, and the deploy of its result sends nothing."""

from __future__ import annotations

import difflib
import json
import subprocess

from tests.support.e2e import helper
from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import Workspace

FILE = """\
# yaml-language-server: $schema=./provider/campaigns.schema.json
# The shop's campaigns: reviewed in pull requests.
campaigns:
  - id: 18                 # Black Friday
    name: Black Friday
    active: false

  - {id: 19, name: Cyber Monday, active: true}    # flow style, a comment after
  - {id: 21, name: "Spring collection", active: true, drift: keep}
  # a comment between entries

  - id: 23
    name: 'Welcome series'
    active: false
"""


def test_adopt_drift_edits_only_the_drifted_entries_and_the_deploy_then_sends_nothing(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.write("campaigns.yaml", FILE)
    stack.up()
    altcraft.admin.set_state(18, "active", user="j.smith")  # launched early in the web UI
    altcraft.admin.set_state(21, "inactive", user="ops.oncall")  # an emergency stop, kept by drift: keep
    altcraft.admin.reset_calls()

    drifted = stack.run("preview", "--expect-no-changes", "--json", check=False)
    assert drifted.returncode == 7, drifted.stdout
    (stack.project_dir / "preview.json").write_text(drifted.stdout)
    env = {k: v for k, v in stack.env.items() if not k.startswith("ALTCRAFT_")}
    result = helper("adopt-drift", "--file", "campaigns.yaml", "preview.json", env=env, cwd=stack.project_dir)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

    edited = (stack.project_dir / "campaigns.yaml").read_text()
    changes = [line for line in difflib.ndiff(FILE.splitlines(), edited.splitlines()) if line[:1] in "+-"]
    assert changes == [
        "-     active: false",
        "+     active: true",
        '-   - {id: 21, name: "Spring collection", active: true, drift: keep}',
        '+   - {id: 21, name: "Spring collection", active: false, drift: keep}',
    ]
    body = result.stdout
    assert body.startswith("### Keep what Altcraft has now: 2 campaigns\n")
    assert (
        "| 18 `Black Friday` | active | `active: true` | inactive (`pulumi up` puts it back) | `j.smith` | 20" in body
    )
    assert "| 21 `Spring collection` | inactive | `active: false` | kept (drift: keep) | `ops.oncall` | 20" in body

    stack.up()
    assert altcraft.admin.write_calls() == 0  # the file now says what Altcraft has
    assert altcraft.admin.states()[18] == "active" and altcraft.admin.states()[21] == "inactive"
    stack.preview("--expect-no-changes")


def test_history_names_each_deploy_its_update_commit_and_run_and_drift_its_author(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    project = stack.project_dir

    def commit(message: str, author: str) -> str:
        git = ["git", "-c", f"user.name={author}", "-c", f"user.email={author.split()[0].lower()}@example.com"]
        subprocess.run(["git", "init", "-q"], cwd=project, check=True)
        subprocess.run(["git", "add", "-A"], cwd=project, check=True)
        subprocess.run([*git, "commit", "-qm", message], cwd=project, check=True)
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=project, check=True, capture_output=True, text=True
        ).stdout.strip()

    def ci(run_id: str) -> dict[str, str]:
        """What GitHub Actions sets for a run; Pulumi records it with the update."""
        github = {"GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": run_id}
        return {**stack.env, **github, "GITHUB_REPOSITORY": "acme/campaigns", "GITHUB_SHA": "0" * 40}

    stack.write("campaigns.yaml", "campaigns:\n  - {id: 18, name: Black Friday, active: true, on_remove: deactivate}\n")
    first = commit("Launch Black Friday", "Ann Author")
    stack.run("up", "--yes", "--skip-preview", env=ci("101"))
    altcraft.admin.set_state(18, "inactive", user="j.smith")  # stopped in the web UI
    stack.write(
        "campaigns.yaml",
        "campaigns:\n  - {id: 18, name: Black Friday, active: true, on_remove: deactivate}\n"
        "  - {id: 23, name: Welcome series, active: true}\n",
    )
    second = commit("Welcome series on", "Bob Builder")
    stack.run("up", "--yes", "--skip-preview", env=ci("102"))

    env = {k: v for k, v in stack.env.items() if not k.startswith("ALTCRAFT_")}
    shown = helper("history", "--stack", "test", "--format", "json", env=env, cwd=project)
    assert shown.returncode == 0, shown.stderr
    campaigns = {c["campaign_id"]: c for c in json.loads(shown.stdout)["campaigns"]}
    assert sorted(campaigns) == [18, 23]
    drift, seen, adopt = campaigns[18]["events"]  # newest first
    # The refresh before the second up found it stopped, and by whom; then the up put it back.
    assert (seen["cause"], seen["sent"], seen["before"], seen["after"]) == ("seen", [], "active", "inactive")
    assert (seen["altcraft_by"], seen["update"], seen["commit"]) == ("j.smith", 2, second)
    assert (drift["cause"], drift["sent"], drift["before"], drift["after"]) == (
        "drift",
        ["activate"],
        "inactive",
        "active",
    )
    assert drift["altcraft_by"] == "j.smith" and drift["altcraft_at"].endswith("Z")
    assert (drift["update"], drift["commit"], drift["author"]) == (2, second, "Bob Builder")
    assert drift["run_url"] == "https://github.com/acme/campaigns/actions/runs/102"
    assert (adopt["cause"], adopt["update"], adopt["commit"], adopt["author"]) == ("adopt", 1, first, "Ann Author")
    [change] = campaigns[23]["events"]
    assert (change["cause"], change["update"], change["commit"]) == ("adopt", 2, second)  # a new entry

    text = helper("history", "18", "--stack", "test", env=env, cwd=project)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == "campaign 18 Black Friday" and len(lines) == 4
    assert "activate  inactive -> active  (drift: changed in Altcraft by j.smith at " in lines[1]
    assert f"update 2, commit {second[:12]}, by Bob Builder" in lines[1]
    assert "no call  active -> inactive  (seen: changed in Altcraft by j.smith at " in lines[2]
    assert f"(adopt)  update 1, commit {first[:12]}, by Ann Author" in lines[3]

    # 18 leaves the file, through the reviewed plan the deploy workflow applies: its removal record
    # releases it, and keeps its deploys once its resource is gone.
    stack.write("campaigns.yaml", "campaigns:\n  - {id: 23, name: Welcome series, active: true}\n")
    third = commit("Black Friday is over", "Cleo Closer")
    plan = project / "plan.json"
    stack.run("preview", "--save-plan", str(plan), env=ci("103"))
    altcraft.admin.reset_calls()
    stack.run("up", "--yes", "--plan", str(plan), env=ci("103"))
    assert altcraft.admin.calls().get("deactivate") == 1 and altcraft.admin.write_calls() == 1
    assert altcraft.admin.states()[18] == "inactive"
    stack.preview("--expect-no-changes")  # the record, declared again, has nothing to do

    shown = helper("history", "18", "--stack", "test", "--format", "json", env=env, cwd=project)
    [removed] = json.loads(shown.stdout)["campaigns"]
    assert (removed["name"], removed["in_stack"]) == ("Black Friday", False)
    causes = [(e["cause"], e["update"], e["commit"]) for e in removed["events"]]
    # The deploys are carried; the sighting of a refresh is not (a preview and its plan must agree).
    assert causes == [("remove", 3, third), ("drift", 2, second), ("adopt", 1, first)]
    remove = removed["events"][0]
    assert (remove["sent"], remove["before"], remove["after"]) == (["deactivate"], "active", "inactive")
    assert remove["run_url"] == "https://github.com/acme/campaigns/actions/runs/103"
    text = helper("history", "18", "--stack", "test", env=env, cwd=project).stdout.splitlines()
    assert text[0] == "campaign 18 Black Friday  (its entry left the file)"
    assert "deactivate  active -> inactive  (remove)  update 3" in text[1]
    unknown = helper("history", "18", "99", "--stack", "test", env=env, cwd=project)
    assert unknown.returncode == 0 and unknown.stdout.startswith("campaign 18 Black Friday")
    assert unknown.stderr == "campaign 99: stack test has no record of it (never deployed by this stack)\n"
