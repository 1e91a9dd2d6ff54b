"""The deploy workflow's route step, run as GitHub runs it (bash, then python3), on sample summaries."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parent.parent.parent / "examples" / "ci" / "campaigns-deploy.yml"


def route(tmp_path: Path, summaries: dict[str, str]) -> dict[str, str]:
    """Lay out the artifacts as download-artifact does (one directory per artifact), run the step."""
    [step] = [s for s in yaml.safe_load(DEPLOY.read_text())["jobs"]["route"]["steps"] if s.get("id") == "route"]
    for stack, text in summaries.items():
        (tmp_path / f"plan-{stack}").mkdir()
        (tmp_path / f"plan-{stack}" / "summary.json").write_text(text)
    output = tmp_path / "github_output"
    env = {"GITHUB_OUTPUT": str(output), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, check=True, timeout=60)
    [line] = output.read_text().splitlines()
    key, _, value = line.partition("=")
    assert key == "risk"
    return json.loads(value)


def summary(risk: str) -> str:
    return json.dumps({"version": 1, "status": "ok", "risk": risk, "risk_reasons": [], "rows": []})


def test_each_stack_goes_to_the_approval_its_plan_needs(tmp_path: Path) -> None:
    assert route(tmp_path, {"staging": summary("normal"), "production": summary("high")}) == {
        "staging": "normal",
        "production": "high",
    }


def test_a_plan_whose_risk_cannot_be_read_gets_the_stricter_approval(tmp_path: Path) -> None:
    routed = route(
        tmp_path,
        {
            "a": "",  # the summary could not be written
            "b": "[1, 2]",  # not the summary's object
            "c": json.dumps({"version": 1, "status": "failed"}),  # an older summary: no risk field
            "d": summary("NORMAL"),
        },
    )
    assert routed == {"a": "high", "b": "high", "c": "high", "d": "high"}
