"""Policy as code: the example pack in policies/ run by the real CLI, as `--policy-pack policies/`.

Also shows that the toolchain `make setup` installs starts a Python policy pack the way an official
install does (its own virtualenv, from PulumiPolicy.yaml).
"""

from __future__ import annotations

from pathlib import Path

from provider.planning.record import CAMPAIGN_TYPE
from tests.support.e2e import add_campaigns
from tests.support.stand_in import TOKEN, LocalAltcraft
from tooling.pulumi_cli import Workspace, new_workspace
from tooling.pulumi_env import REPO_ROOT

PACK = str(REPO_ROOT / "policies")


def stack_named(name: str, tmp_path: Path, altcraft: LocalAltcraft) -> Workspace:
    ws = new_workspace(tmp_path, stack=name)
    ws.set_config("altcraft:url", altcraft.url)
    ws.set_config("altcraft:token", TOKEN, secret=True)
    return ws


def campaigns(guarded: bool, off: range) -> str:
    lines = ["campaigns:"]
    for campaign_id in range(1000, 1010):
        name = f", name: Campaign {campaign_id}" if guarded else ""
        lines.append(f"  - {{id: {campaign_id}{name}, active: {'false' if campaign_id in off else 'true'}}}")
    return "\n".join(lines) + "\n"


def seed(altcraft: LocalAltcraft) -> None:
    add_campaigns(altcraft, range(1000, 1010))


def test_a_compliant_production_stack_passes_and_a_small_change_draws_no_warning(
    tmp_path: Path, altcraft: LocalAltcraft
) -> None:
    seed(altcraft)
    ws = stack_named("production", tmp_path, altcraft)
    ws.write("campaigns.yaml", campaigns(guarded=True, off=range(0)))
    ws.run("up", "--yes", "--policy-pack", PACK)
    ws.write("campaigns.yaml", campaigns(guarded=True, off=range(1000, 1001)))  # 1 of 10: at the limit
    preview = ws.run("preview", "--policy-pack", PACK)
    assert "altcraft-campaigns@" in preview.stdout and "mandatory" not in preview.stdout, preview.stdout
    assert "deactivate-at-most-a-tenth" not in preview.stdout
    # `active: scheduled` sends nothing: three of ten left to Altcraft's own dates turn nothing off.
    scheduled = campaigns(guarded=True, off=range(0))
    for campaign_id in range(1001, 1004):
        scheduled = scheduled.replace(
            f"Campaign {campaign_id}, active: true", f"Campaign {campaign_id}, active: scheduled"
        )
    ws.write("campaigns.yaml", scheduled)
    preview = ws.run("preview", "--policy-pack", PACK)
    assert "`pulumi up` would send no calls" in preview.stdout
    assert "deactivate-at-most-a-tenth" not in preview.stdout, preview.stdout


def test_a_production_campaign_without_a_name_guard_is_refused_on_every_path_with_no_write(
    tmp_path: Path, altcraft: LocalAltcraft
) -> None:
    seed(altcraft)
    ws = stack_named("production", tmp_path, altcraft)
    # Nine guarded entries turned off, one without a name guard. The pack's resource policy fails
    # only that resource, and under --skip-preview the engine ran the other nine deactivations
    # before it: the program refuses the whole file first, on every command that runs it.
    unguarded = campaigns(guarded=True, off=range(1000, 1009)).replace("id: 1009, name: Campaign 1009", "id: 1009")
    ws.write("campaigns.yaml", unguarded)
    target = f"urn:pulumi:production::altcraft-campaigns::{CAMPAIGN_TYPE}::campaign-1000"
    for result in (
        ws.run("preview", "--policy-pack", PACK, check=False),
        ws.run("up", "--yes", "--skip-preview", "--policy-pack", PACK, check=False),
        ws.run("up", "--yes", "--skip-preview", "--target", target, check=False),
    ):
        assert result.returncode != 0
        assert (
            "campaigns.yaml:11: campaign 1009: has no name guard: stack production requires `name:`" in result.stdout
        ), result.stdout
        assert "altcraft:requireNameGuards (default: on for stacks named prod*)" in result.stdout
    assert altcraft.admin.write_calls() == 0

    staging = stack_named("staging", tmp_path / "staging", altcraft)  # the default is for production stacks
    staging.write("campaigns.yaml", campaigns(guarded=False, off=range(0)))
    staging.run("preview", "--policy-pack", PACK)
    staging.set_config("altcraft:requireNameGuards", "true")  # and any stack can ask for it
    assert "requires `name:`" in staging.run("preview", check=False).stdout


def test_turning_off_more_than_a_tenth_is_an_advisory_warning(tmp_path: Path, altcraft: LocalAltcraft) -> None:
    seed(altcraft)
    ws = stack_named("production", tmp_path, altcraft)
    ws.write("campaigns.yaml", campaigns(guarded=True, off=range(0)))
    ws.up()
    ws.write("campaigns.yaml", campaigns(guarded=True, off=range(1000, 1003)))  # 3 of 10
    preview = ws.run("preview", "--policy-pack", PACK)  # advisory: the preview still succeeds
    assert "[advisory]  deactivate-at-most-a-tenth" in preview.stdout, preview.stdout
    assert "turns off 3 of 10 managed campaigns, more than 10%" in preview.stdout
    ws.run("up", "--yes", "--policy-pack", PACK)
    assert [altcraft.admin.states()[i] for i in range(1000, 1003)] == ["inactive"] * 3


def test_a_pack_without_its_virtualenv_says_what_to_create(tmp_path: Path, altcraft: LocalAltcraft) -> None:
    import shutil

    pack = tmp_path / "pack"
    pack.mkdir()
    for name in ("PulumiPolicy.yaml", "__main__.py", "requirements.txt"):
        shutil.copy(REPO_ROOT / "policies" / name, pack / name)  # no venv/ beside them
    ws = stack_named("production", tmp_path, altcraft)
    result = ws.run("preview", "--policy-pack", str(pack), check=False)
    shown = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"cannot start the plugin in {pack} with {pack}/venv/bin/python (No such file or directory)" in shown
    assert "create the virtualenv its PulumiPolicy.yaml names" in shown and "Traceback" not in shown
