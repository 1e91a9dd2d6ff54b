"""The toolchain itself: the real pulumi CLI runs a program with a dynamic resource (the benchmark's floor)."""

from pathlib import Path

from bench.run import NOOP_MODULE
from tooling.pulumi_cli import new_workspace

SMOKE_PROGRAM = """
import pulumi
from noop import Noop

smoke = Noop("toolchain-smoke", key="smoke", value=pulumi.Config().get("value") or "hello")
pulumi.export("value", smoke.value)
"""

SMOKE_FILES = {"__main__.py": SMOKE_PROGRAM, "noop.py": NOOP_MODULE.read_text()}


def test_preview_then_up_then_no_changes(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, extra_files=SMOKE_FILES)
    ws.set_config("value", "first")

    preview = ws.preview()
    assert "+ 2 to create" in preview.stdout, preview.stdout

    up = ws.up()
    assert "+ 2 created" in up.stdout, up.stdout
    assert ws.outputs() == {"value": "first"}

    state = ws.export()
    resources = {r["type"]: r for r in state["deployment"]["resources"]}
    smoke = resources["pulumi-python:dynamic/noop:Noop"]
    assert smoke["outputs"]["value"] == "first"
    # The provider is pickled by reference: a small string, not code.
    assert len(smoke["inputs"]["__provider"]) < 200

    again = ws.preview("--expect-no-changes")
    assert "2 unchanged" in again.stdout, again.stdout


def test_a_changed_input_is_an_update(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, extra_files=SMOKE_FILES)
    ws.up()
    ws.set_config("value", "second")
    diff = ws.preview("--diff")
    assert '~ value: "hello" => "second"' in diff.stdout, diff.stdout
    assert "~ 1 to update" in diff.stdout, diff.stdout
    ws.up()
    assert ws.outputs() == {"value": "second"}
