"""`python -m provider check`: what preview cannot see for new entries, found before merge."""

import os
import subprocess
import sys
from pathlib import Path

from provider.client import AltcraftClient
from provider.live_view import LiveView
from provider.preflight import Finding, preflight
from provider.spec import parse_campaigns
from tests.conftest import TOKEN, LocalAltcraft
from tooling.pulumi_env import REPO_ROOT

FILE = """\
campaigns:
  - {id: 18, active: true, name: Black Friday}
  - {id: 999, active: true}
  - {id: 21, active: true, name: Autumn collection}
  - {id: 30, active: true}
  - {id: 23, active: false}
"""


def test_findings_name_line_and_campaign_and_change_nothing(altcraft: LocalAltcraft) -> None:
    findings = preflight(parse_campaigns(FILE.encode(), "c.yaml"), LiveView(AltcraftClient(altcraft.url, TOKEN)))
    assert findings[0] == Finding(2, 18, "", change="activate (Black Friday: inactive)")
    assert [(f.line, f.campaign_id) for f in findings[1:]] == [(3, 999), (4, 21), (5, 30)]
    assert "does not exist in Altcraft" in findings[1].message
    assert "expects the name 'Autumn collection'" in findings[2].message
    assert "completion is irreversible" in findings[3].message
    assert altcraft.admin.calls() == {"list": 1, "get": 1}  # one listing; a get only for the unknown id


def test_the_command_exits_1_on_a_problem_and_0_otherwise(altcraft: LocalAltcraft, tmp_path: Path) -> None:
    env = {**os.environ, "ALTCRAFT_URL": altcraft.url, "ALTCRAFT_TOKEN": TOKEN}
    bad, good = tmp_path / "bad.yaml", tmp_path / "good.yaml"
    bad.write_text(FILE)
    good.write_text("campaigns:\n  - {id: 19, active: false}\n")

    def check(path: Path) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "provider", "check", str(path)]
        return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)

    failed = check(bad)
    assert failed.returncode == 1
    assert f"{bad}:3: campaign 999 does not exist in Altcraft" in failed.stderr
    assert "5 campaign(s) checked, 3 problem(s); nothing was changed" in failed.stderr
    assert f"{bad}:2: campaign 18: `pulumi up` would activate (Black Friday: inactive)" in failed.stdout
    passed = check(good)
    assert passed.returncode == 0, passed.stderr
    assert "would deactivate (Cyber Monday: active)" in passed.stdout
    assert altcraft.admin.write_calls() == 0
    assert TOKEN not in failed.stdout + failed.stderr + passed.stdout + passed.stderr
