"""make bench [N=10,100,1000,5000]: wall time, API calls, state size and memory per operation.

For each N, against the local Altcraft stand-in (a separate process) and with the real CLI:
  (a) first `pulumi up` adopting N campaigns already in their desired state
  (b) `pulumi preview --refresh` with nothing to change
  (c) `pulumi up` after toggling 1% of the campaigns in the file
The floor is the same engine running a no-op dynamic provider (bench/noop.py) with N
resources, measured in the same run right after ours, so the ratio ours/floor is taken under the
same machine load. Writes bench/results.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

from altcraft_local import process as altcraft_process
from altcraft_local.admin import Admin, count_writes
from provider.planning.record import CAMPAIGN_TYPE
from tooling.pulumi_cli import Workspace, new_workspace
from tooling.pulumi_env import REPO_ROOT

RESULTS = REPO_ROOT / "bench" / "results.json"
TOKEN = "bench-token-9f8e7d6c5b4a"

# bench/noop.py is copied into the floor's project as noop.py: the provider is pickled by
# reference, so its module must import from the project directory, as provider/ does.
NOOP_MODULE = Path(__file__).with_name("noop.py")
FLOOR_PROGRAM = """
import pulumi
from noop import Noop

count = int(pulumi.Config().require("count"))
for i in range(1, count + 1):
    Noop(f"noop-{i}", key=str(i), value="x")
"""


def floor_files() -> dict[str, str]:
    """The floor project's program and its no-op provider module."""
    return {"__main__.py": FLOOR_PROGRAM, "noop.py": NOOP_MODULE.read_text()}


@dataclass
class Record:
    n: int
    op: str
    wall_s: float
    floor_wall_s: float | None
    api_calls: dict[str, int]
    write_calls: int
    state_bytes_per_campaign: float | None
    peak_rss_mb: float | None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return self.wall_s / self.floor_wall_s if self.floor_wall_s else None


class ProviderMemory:
    """Peak RSS (VmHWM) of dynamic-provider processes (`python -m pulumi.dynamic`) while running."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> ProviderMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                    if b"pulumi.dynamic" not in cmdline:
                        continue
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                except OSError:
                    continue  # the process ended between listing and reading

    @property
    def peak_mb(self) -> float | None:
        return round(self.peak_kb / 1024, 1) if self.peak_kb else None


def timed(ws: Workspace, *args: str) -> tuple[float, float | None]:
    with ProviderMemory() as memory:
        start = time.perf_counter()
        ws.run(*args)
        wall = time.perf_counter() - start
    return round(wall, 2), memory.peak_mb


def campaigns_seed(n: int) -> dict[str, Any]:
    return {
        "tokens": {TOKEN: {"rights": ["view", "run"]}},
        "campaigns": [
            {"id": i, "name": f"Campaign {i}", "state": "active" if i % 2 else "inactive"} for i in range(1, n + 1)
        ],
    }


def campaigns_file(n: int, toggled: set[int] = frozenset()) -> str:
    lines = ["campaigns:"]
    for i in range(1, n + 1):
        active = bool(i % 2) != (i in toggled)
        lines.append(f"  - {{id: {i}, name: Campaign {i}, active: {'true' if active else 'false'}}}")
    return "\n".join(lines) + "\n"


def state_bytes(ws: Workspace) -> int:
    return len(ws.run("stack", "export").stdout.encode())


def checkpoint_bytes(ws: Workspace) -> int:
    """Size of what the file backend keeps on disk (compact JSON), for comparison with the export."""
    stacks = ws.project_dir.parent / "state" / ".pulumi" / "stacks"
    return sum(p.stat().st_size for p in stacks.rglob(f"{ws.stack}.json"))


def state_profile(ws: Workspace, n: int) -> dict[str, float]:
    """Bytes per campaign in `pulumi stack export`, by field of the resource, plus the stack summary."""
    resources = json.loads(ws.run("stack", "export").stdout)["deployment"]["resources"]
    profile: dict[str, float] = {}
    for resource in resources:
        if resource["type"] == CAMPAIGN_TYPE:
            for key, value in resource.items():
                profile[key] = profile.get(key, 0) + _exported_size(key, value)
        elif resource["type"] == "pulumi:pulumi:Stack":
            profile["stack summary output"] = _exported_size("outputs", resource.get("outputs", {}))
    return {key: round(total / n, 1) for key, total in sorted(profile.items(), key=lambda kv: -kv[1])}


def _exported_size(key: str, value: Any) -> int:
    # As the export prints a resource's field: 4-space indent, at depth 4 (16 spaces).
    text = json.dumps({key: value}, indent=4).splitlines()[1:-1]
    return sum(12 + len(line) + 1 for line in text)


def bench_n(n: int, root: Path, log: Any, repeat: int) -> list[Record]:
    root.mkdir(parents=True, exist_ok=True)
    data = root / "altcraft.json"
    data.write_text(json.dumps(campaigns_seed(n)))
    server, url = altcraft_process.start(data)
    admin = Admin(url, timeout=60)
    try:
        ours = new_workspace(root / "ours", extra_files={"campaigns.yaml": campaigns_file(n)})
        ours.set_config("altcraft:url", url)
        ours.set_config("altcraft:token", TOKEN, secret=True)
        ours.set_config("altcraft:maxChanges", "0")  # (c) toggles 1%, 50 calls at N=5,000: measured, not guarded
        floor = new_workspace(root / "floor", extra_files=floor_files())
        floor.set_config("count", str(n))

        # (a) and (b) alternate ours and floor `rounds` times and keep the medians: the machine is noisy,
        # and alternating puts both under the same load. Later (a) rounds re-adopt after a destroy.
        rounds = repeat if n <= 1000 else 1
        walls_a: list[float] = []
        floors_a: list[float] = []
        for round_ in range(rounds):
            log(f"N={n}: (a) first up, round {round_ + 1}/{rounds}")
            if round_:
                ours.run("destroy", "--yes", "--skip-preview")
                floor.run("destroy", "--yes", "--skip-preview")
            admin.reset_calls()
            wall, rss_a = timed(ours, "up", "--yes", "--skip-preview")
            calls_a = admin.calls()  # the same every round: a destroy with retain sends nothing
            walls_a.append(wall)
            floors_a.append(timed(floor, "up", "--yes", "--skip-preview")[0])
        per_campaign = round(state_bytes(ours) / n, 1)
        notes = {
            "rounds": rounds,
            "samples_s": walls_a,
            "floor_samples_s": floors_a,
            "floor_state_bytes_per_resource": round(state_bytes(floor) / n, 1),
            "checkpoint_bytes_per_campaign": round(checkpoint_bytes(ours) / n, 1),
            "state_profile_bytes_per_campaign": state_profile(ours, n),
        }
        records = [
            Record(
                n,
                "a_first_up",
                median(walls_a),
                median(floors_a),
                calls_a,
                count_writes(calls_a),
                per_campaign,
                rss_a,
                notes,
            )
        ]

        walls_b: list[float] = []
        floors_b: list[float] = []
        for round_ in range(rounds):
            log(f"N={n}: (b) preview --refresh, nothing to change, round {round_ + 1}/{rounds}")
            admin.reset_calls()
            wall, rss_b = timed(ours, "preview", "--refresh", "--expect-no-changes")
            calls_b = admin.calls()
            walls_b.append(wall)
            floors_b.append(timed(floor, "preview", "--refresh", "--expect-no-changes")[0])
        notes_b = {"rounds": rounds, "samples_s": walls_b, "floor_samples_s": floors_b}
        records.append(
            Record(
                n,
                "b_preview_refresh",
                median(walls_b),
                median(floors_b),
                calls_b,
                count_writes(calls_b),
                per_campaign,
                rss_b,
                notes_b,
            )
        )

        toggled = set(range(1, n + 1, 100)) if n >= 100 else {1}
        log(f"N={n}: (c) up after toggling {len(toggled)} campaign(s)")
        ours.write("campaigns.yaml", campaigns_file(n, toggled))
        admin.reset_calls()
        wall_c, rss_c = timed(ours, "up", "--yes", "--skip-preview")
        calls_c = admin.calls()
        records.append(
            Record(
                n,
                "c_up_toggle_1pct",
                wall_c,
                None,
                calls_c,
                count_writes(calls_c),
                per_campaign,
                rss_c,
                {"toggled": len(toggled)},
            )
        )
        return records
    finally:
        server.terminate()
        server.wait(timeout=30)


def check_targets(records: list[Record]) -> list[str]:
    lines = []
    for r in records:
        total = sum(r.api_calls.values())
        if r.op == "b_preview_refresh":
            # One listing by the program (the review), one by the provider (the refresh).
            limit = 2 * math.ceil(r.n / 1000) + 2
            lines.append(
                f"N={r.n} refreshing preview API calls {total} <= 2*ceil(N/1000)+2 = {limit}: {_ok(total <= limit)}"
            )
        if r.op == "c_up_toggle_1pct":
            toggled = r.notes["toggled"]
            passed = r.write_calls == toggled
            lines.append(f"N={r.n} (c) write calls {r.write_calls} == toggled {toggled}: {_ok(passed)}")
        if r.n in (1000, 5000) and r.ratio is not None:
            lines.append(f"N={r.n} {r.op} ours/floor {r.ratio:.2f} <= 1.3: {_ok(r.ratio <= 1.3)}")
        if r.op == "a_first_up" and r.state_bytes_per_campaign is not None:
            size = r.state_bytes_per_campaign
            lines.append(f"N={r.n} state {size:.0f} bytes/campaign <= 1536: {_ok(size <= 1536)}")
    return lines


def _ok(passed: bool) -> str:
    return "ok" if passed else "MISSED"


def table(records: list[Record]) -> str:
    header = (
        f"{'N':>6} {'op':<18} {'wall s':>8} {'floor s':>8} {'ratio':>6} {'writes':>6} "
        f"{'B/camp':>7} {'RSS MB':>7}  API calls"
    )
    rows = [header, "-" * len(header)]
    for r in records:
        ratio = f"{r.ratio:.2f}" if r.ratio else "-"
        floor = f"{r.floor_wall_s:.2f}" if r.floor_wall_s else "-"
        calls = ", ".join(f"{k} {v}" for k, v in sorted(r.api_calls.items())) or "none"
        rows.append(
            f"{r.n:>6} {r.op:<18} {r.wall_s:>8.2f} {floor:>8} {ratio:>6} {r.write_calls:>6} "
            f"{r.state_bytes_per_campaign or 0:>7.0f} {r.peak_rss_mb or 0:>7.1f}  {calls}"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", default="10,100,1000,5000", help="comma-separated campaign counts")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of (a) and (b) for N <= 1000 (medians kept)")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.n.split(",") if x.strip()]

    def log(message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)

    records: list[Record] = []
    with tempfile.TemporaryDirectory(prefix="altcraft-bench-") as tmp:
        for n in sizes:
            records += bench_n(n, Path(tmp) / f"n{n}", log, args.repeat)
    print()
    print(table(records))
    print()
    print("\n".join(check_targets(records)))
    args.output.write_text(
        json.dumps(
            {
                "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                "records": [asdict(r) for r in records],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwrote {args.output.relative_to(REPO_ROOT) if args.output.is_relative_to(REPO_ROOT) else args.output}")


if __name__ == "__main__":
    main()
