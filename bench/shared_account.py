"""make bench-shared: one Altcraft account as one stack of N campaigns, or as K sibling stacks of N/K.

Against one stand-in process and one file backend, with the real CLI: (a) the first `pulumi up`
adopting every campaign, then (b) a refreshing `pulumi preview` with nothing to change. The K
stacks list each other in `altcraft:siblingStacks` and run in parallel, as a CI matrix runs them.
Prints wall time and API calls side by side (the figures in docs/several-stacks.md come from this
script); writes nothing to the repository.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from altcraft_local import process as altcraft_process
from altcraft_local.admin import Admin
from bench.run import TOKEN, campaigns_seed
from tooling.pulumi_cli import Workspace, new_workspace

PROJECT = "altcraft-campaigns"


def shard_file(ids: range) -> str:
    entries = (f"  - {{id: {i}, name: Campaign {i}, active: {'true' if i % 2 else 'false'}}}" for i in ids)
    return "campaigns:\n" + "\n".join(entries) + "\n"


def stacks(root: Path, url: str, n: int, k: int) -> list[tuple[Workspace, str]]:
    """K stacks of one project and one backend, each managing its own N/K campaigns."""
    names = [f"shard-{i}" for i in range(k)] if k > 1 else ["whole"]
    ws = new_workspace(root, stack=names[0])
    size = n // k
    for index, name in enumerate(names):
        if index:
            ws.run("stack", "init", name)
        ws.write(f"campaigns.{name}.yaml", shard_file(range(index * size + 1, (index + 1) * size + 1)))
        for key, value in (("altcraft:url", url), (f"{PROJECT}:campaignsFile", f"campaigns.{name}.yaml")):
            ws.run("config", "set", "--stack", name, key, value)
        ws.run("config", "set", "--stack", name, "--secret", "altcraft:token", TOKEN)
        if k > 1:
            siblings = json.dumps([f"organization/{PROJECT}/{other}" for other in names])
            ws.run("config", "set", "--stack", name, "altcraft:siblingStacks", siblings)
    return [(ws, name) for name in names]


def in_parallel(shards: list[tuple[Workspace, str]], *args: str) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(len(shards)) as pool:
        for result in pool.map(lambda shard: shard[0].run(*args, "--stack", shard[1]), shards):
            assert result.returncode == 0
    return round(time.perf_counter() - start, 1)


def measure(root: Path, n: int, k: int) -> dict[str, object]:
    root.mkdir(parents=True)
    data = root / "altcraft.json"
    data.write_text(json.dumps(campaigns_seed(n)))
    server, url = altcraft_process.start(data)
    admin = Admin(url, timeout=60)
    try:
        shards = stacks(root / "project", url, n, k)
        figures: dict[str, object] = {"stacks": k, "campaigns_per_stack": n // k}
        for label, args in (("first_up", ("up", "--yes", "--skip-preview")), ("preview", ("preview",))):
            admin.reset_calls()
            figures[f"{label}_s"] = in_parallel(shards, *args)
            figures[f"{label}_calls"] = admin.calls()
        return figures
    finally:
        server.kill()
        server.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6000, help="campaigns on the account (default 6000)")
    parser.add_argument("--k", type=int, default=3, help="sibling stacks to split them across (default 3)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="altcraft-shared-") as tmp:
        for k in (1, args.k):
            print(json.dumps(measure(Path(tmp) / f"k{k}", args.n, k)), flush=True)


if __name__ == "__main__":
    main()
