"""Drift becomes a decision (issue 22), with the real CLI and the stand-in: `adopt-drift` edits only
the drifted entries, names who changed them, and the deploy of its result sends nothing."""

from __future__ import annotations

import difflib

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
