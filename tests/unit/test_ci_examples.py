"""The GitHub Actions workflows we ship do what docs/pull-request-workflow.md promises (actionlint checks their syntax)."""

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
    assert "python -m provider.cli summary" in scripts(jobs["plan"])
    assert "summary --format json preview.json > summary.json" in scripts(jobs["plan"])
    assert "summary.json" in jobs["plan"]["steps"][-1]["with"]["path"]  # uploaded with the plan
    apply = jobs["apply"]
    assert jobs["route"]["needs"] == "plan" and apply["needs"] == "route"
    # Only a plan rated normal goes to the usual environment; anything else to the stricter one.
    assert apply["environment"] == (
        "${{ fromJSON(needs.route.outputs.risk)[matrix.stack] == 'normal' && matrix.stack "
        "|| format('{0}-high-risk', matrix.stack) }}"
    )
    assert jobs["route"]["outputs"]["risk"] == "${{ steps.route.outputs.risk }}"
    assert "pulumi up" in scripts(apply) and "--plan plan.json" in scripts(apply)
    assert "ALTCRAFT_REVIEWED_PLAN=plan.json pulumi up" in scripts(apply)  # the calls come from the plan
    assert "pulumi up" not in scripts(jobs["plan"])


def test_the_drift_watch_previews_and_never_applies() -> None:
    flow = workflow("campaigns-drift.yml")
    assert "schedule" in flow[True]  # PyYAML reads the key `on` as true
    run = scripts(flow["jobs"]["watch"])
    assert "pulumi preview" in run and "--expect-no-changes" in run
    assert "pulumi up" not in run
    assert "steps.watch.outputs.status == '7'" in str(flow["jobs"]["watch"]["steps"])


def test_the_drift_watch_proposes_keeping_the_drift_as_one_pull_request_per_stack() -> None:
    flow = workflow("campaigns-drift.yml")
    steps = flow["jobs"]["watch"]["steps"]
    keep = next(step for step in steps if "adopt-drift" in step.get("run", ""))
    assert keep["if"] == "steps.watch.outputs.status == '7'"
    assert '--stack "$STACK" preview.json > pr.md' in keep["run"]
    assert 'gh pr edit "$number" --body-file pr.md' in keep["run"] and "gh pr create" in keep["run"]
    assert flow["jobs"]["watch"]["env"]["BRANCH"] == "altcraft-drift/${{ matrix.stack }}"
    assert flow["permissions"] == {"contents": "write", "issues": "write", "pull-requests": "write"}
    assert "gh pr close" in scripts(flow["jobs"]["watch"])


def test_the_pull_request_preview_comments_the_summary() -> None:
    run = scripts(workflow("campaigns-preview.yml")["jobs"]["preview"])
    assert "pulumi preview" in run and "python -m provider.cli summary" in run and "provider check" not in run


def test_each_pull_request_keeps_one_comment_per_stack_with_the_policy_text_and_the_full_list_as_an_artifact() -> None:
    for name, job in (("campaigns-preview.yml", "preview"), ("campaigns-shards.yml", "shard")):
        steps = workflow(name)["jobs"][job]["steps"]
        run = scripts(workflow(name)["jobs"][job])
        # The event stream carries policy violations; `--json` alone does not.
        assert "PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview" in run, name
        assert '--full-list "$FULL_LIST"' in run and "--format json > summary.json" in run, name
        upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))
        assert "summary.json" in upload["with"]["path"] and upload["if"].startswith("always()"), name
        # The comment is found by its first line and edited; a new one only when there is none.
        assert 'echo "<!-- altcraft-campaigns preview: $STACK -->"' in run, name
        assert "startswith" in run and "--method PATCH" in run and "gh pr comment" in run, name
        assert run.index("--method PATCH") < run.index("gh pr comment"), name


def test_every_job_installs_the_official_cli_at_the_pinned_version_not_a_go_build() -> None:
    for path in sorted(CI.glob("*.yml")):
        for name, job in workflow(path.name)["jobs"].items():
            steps = job["steps"]
            uses = [step.get("uses", "") for step in steps]
            assert not any(u.startswith("actions/setup-go") for u in uses), (path.name, name)
            assert "make setup" not in scripts(job), (path.name, name)
            if "pulumi" not in scripts(job) and "provider.cli" not in scripts(job):
                continue  # a job that runs neither (the deploy's route reads summaries only)
            install = next(step for step in steps if step.get("uses", "").startswith("pulumi/actions@"))
            assert install["with"]["pulumi-version"] == "${{ steps.pin.outputs.version }}", (path.name, name)
            pin = next(step for step in steps if step.get("id") == "pin")
            assert "pulumi-version.env" in pin["run"]
            assert uses.index(install["uses"]) < next(i for i, s in enumerate(steps) if "pulumi " in s.get("run", ""))


def test_the_shard_matrix_previews_and_deploys_every_stack_in_parallel_without_cancelling_the_others() -> None:
    job = workflow("campaigns-shards.yml")["jobs"]["shard"]
    stacks = [entry["stack"] for entry in job["strategy"]["matrix"]["include"]]
    assert len(stacks) == len(set(stacks)) >= 3
    assert job["strategy"]["fail-fast"] is False and job["concurrency"] == "campaigns-${{ matrix.stack }}"
    steps = {step.get("name"): step for step in job["steps"]}
    assert (
        "pulumi preview" in steps["Preview"]["run"] and steps["Preview"]["if"] == "github.event_name == 'pull_request'"
    )
    assert "pulumi up" in steps["Deploy"]["run"] and steps["Deploy"]["if"] == "github.event_name == 'push'"
    assert "matrix.token" in job["env"]["ALTCRAFT_TOKEN"]  # each shard its own token
