"""Many first `pulumi up`s at once, with the engine saving checkpoints as users' runs do (issue 19,
case 11): the program reads its own stack's state only after the engine saved the root resource,
so no run fails with "failed to load checkpoint: EOF" (before: about one run in thirty, measured with 30 and 40 runs; 12 here, to keep the suite short)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.support.stand_in import TOKEN, LocalAltcraft
from tooling.pulumi_cli import new_workspace

RUNS, AT_ONCE = 12, 6


def test_first_ups_under_load_never_catch_their_own_checkpoint_mid_write(
    tmp_path: Path, altcraft: LocalAltcraft
) -> None:
    def first_up(index: int) -> tuple[int, str]:
        ws = new_workspace(tmp_path / f"run-{index}")
        ws.env.pop("PULUMI_SKIP_CHECKPOINTS", None)  # the engine saves after every step, as by default
        ws.env.update({"ALTCRAFT_URL": altcraft.url, "ALTCRAFT_TOKEN": TOKEN})  # no config commands: faster
        ws.write("campaigns.yaml", "campaigns:\n  - {id: 18, active: false}\n  - {id: 19, active: true}\n")
        result = ws.run("up", "--yes", "--skip-preview", check=False)
        return result.returncode, result.stdout[-800:]

    with ThreadPoolExecutor(AT_ONCE) as pool:
        failed = [output for code, output in pool.map(first_up, range(RUNS)) if code]
    assert failed == [], failed[0]
