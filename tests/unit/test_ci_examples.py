"""The GitHub Actions workflows we ship do what the README promises (actionlint checks their syntax)."""

from pathlib import Path

import yaml

CI = Path(__file__).resolve().parent.parent.parent / "examples" / "ci"


def workflow(name: str) -> dict:
    return yaml.safe_load((CI / name).read_text())


def scripts(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_the_deploy_applies_exactly_the_plan_that_was_shown_behind_an_approval() -> None:
    jobs = workflow("campaigns-deploy.yml")["jobs"]
    assert "pulumi preview" in scripts(jobs["plan"]) and "--save-plan plan.json" in scripts(jobs["plan"])
    assert "python -m provider summary" in scripts(jobs["plan"])
    apply = jobs["apply"]
    assert apply["needs"] == "plan" and apply["environment"] == "${{ matrix.stack }}"
    assert "pulumi up" in scripts(apply) and "--plan plan.json" in scripts(apply)
    assert "pulumi up" not in scripts(jobs["plan"])


def test_the_drift_watch_previews_and_never_applies() -> None:
    flow = workflow("campaigns-drift.yml")
    assert "schedule" in flow[True]  # PyYAML reads the key `on` as true
    run = scripts(flow["jobs"]["watch"])
    assert "pulumi preview" in run and "--expect-no-changes" in run
    assert "pulumi up" not in run
    assert "steps.watch.outputs.status == '7'" in str(flow["jobs"]["watch"]["steps"])


def test_the_pull_request_preview_comments_the_summary() -> None:
    run = scripts(workflow("campaigns-preview.yml")["jobs"]["preview"])
    assert "pulumi preview" in run and "python -m provider summary" in run and "provider check" not in run
