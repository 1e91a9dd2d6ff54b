"""The environment of every pulumi run made by tests, the demo and the benchmarks.

One definition, so that all of them are offline and non-interactive in the same way: the CLI from
.tools/bin, a file backend and PULUMI_HOME in directories the caller chooses (temporary or
git-ignored), a fixed passphrase, no update checks, no plugin downloads.

Shell scripts use it through `python -m tooling.pulumi_env --state DIR --home DIR`, which prints
`export` lines.
"""

from __future__ import annotations

import argparse
import os
import shlex
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TOOLS_BIN = REPO_ROOT / ".tools" / "bin"
VERSION_FILE = REPO_ROOT / "pulumi-version.env"

# Only protects the local demo/test state; real stacks use their own secrets provider.
LOCAL_PASSPHRASE = "altcraft-campaigns-local-only"


def pinned_version() -> str:
    """PULUMI_VERSION from pulumi-version.env, the single place it is pinned."""
    for line in VERSION_FILE.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() == "PULUMI_VERSION":
            return value.strip()
    raise RuntimeError(f"{VERSION_FILE} does not set PULUMI_VERSION")


def offline_env(state_dir: Path, home_dir: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for running `pulumi` against a local file backend in `state_dir`."""
    state_dir.mkdir(parents=True, exist_ok=True)
    home_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ if base is None else base)
    env.update(
        {
            "PATH": f"{TOOLS_BIN}{os.pathsep}{env.get('PATH', '')}",
            "PULUMI_HOME": str(home_dir.resolve()),
            "PULUMI_BACKEND_URL": f"file://{state_dir.resolve()}",
            "PULUMI_CONFIG_PASSPHRASE": LOCAL_PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_DISABLE_REGISTRY_RESOLVE": "true",
            "PULUMI_SKIP_CONFIRMATIONS": "true",
            # Use only the plugins that sit beside our pulumi, whatever else is on PATH.
            "PULUMI_IGNORE_AMBIENT_PLUGINS": "true",
            # What docs/pull-request-workflow.md recommends for real runs too: with `refresh: always` in Pulumi.yaml,
            # run the program (which validates the campaigns file) before refreshing, so a bad
            # file fails before a single call reaches Altcraft.
            "PULUMI_RUN_PROGRAM": "true",
            # Also recommended: write the state once at the end of an operation instead of after
            # every step. The file backend rewrites the whole state per step, which makes `up`
            # quadratic (N=1,000: 37 s instead of 8 s). Safe here because every step is idempotent
            # (adopt, converge, deactivate): a run that dies loses only records the next run's
            # refresh rebuilds.
            "PULUMI_SKIP_CHECKPOINTS": "true",
        }
    )
    # A developer's own backend or access token must never leak into a local run.
    env.pop("PULUMI_ACCESS_TOKEN", None)
    return env


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print export lines for offline pulumi runs.")
    parser.add_argument("--state", type=Path, required=True, help="file backend directory")
    parser.add_argument("--home", type=Path, required=True, help="PULUMI_HOME directory")
    args = parser.parse_args(argv)
    env = offline_env(args.state, args.home)
    for key in sorted(key for key in env if os.environ.get(key) != env[key]):
        print(f"export {key}={shlex.quote(env[key])}")
    for key in sorted(os.environ.keys() - env.keys()):
        print(f"unset {key}")


if __name__ == "__main__":
    main()
