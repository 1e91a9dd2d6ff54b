"""make demo: the local Altcraft stand-in, then `pulumi preview --diff` and `pulumi up` of the
demo's own campaigns file, examples/demo/campaigns.yaml, on a local `demo` stack. Its own file and
stack: the walk-through's export to campaigns.yaml and the production stack leave it alone. Safe to
run again: state is kept in .pulumi-local/demo (git-ignored), so a second run shows no changes
unless you edit examples/demo/campaigns.yaml.
"""

from __future__ import annotations

import json
import sys

from altcraft_local import process as altcraft_process
from altcraft_local.admin import Admin
from tooling.pulumi_cli import PulumiFailed, Workspace, copy_project, require_cli
from tooling.pulumi_env import REPO_ROOT, offline_env

DEMO_DIR = REPO_ROOT / ".pulumi-local" / "demo"
DEMO_CAMPAIGNS = REPO_ROOT / "examples" / "demo" / "campaigns.yaml"  # matches the stand-in's seed
DEMO_TOKEN = "demo-token-0123456789"  # from altcraft_local/fixtures/demo.json


def banner(text: str) -> None:
    print(f"\n=== {text} ===", flush=True)


def run(ws: Workspace, *args: str) -> None:
    result = ws.run(*args)
    print(result.stdout, end="", flush=True)


def main() -> None:
    require_cli()
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    server, url = altcraft_process.start(DEMO_DIR / "altcraft.json")
    try:
        banner(f"local Altcraft stand-in at {url} (state: {DEMO_DIR / 'altcraft.json'})")
        admin = Admin(url)
        for campaign_id, campaign in admin.campaigns().items():
            print(f"  campaign {campaign_id:>3}  {campaign['state']:<9}  {campaign['name']}")

        ws = Workspace(
            project_dir=copy_project(DEMO_DIR / "project", {"campaigns.yaml": DEMO_CAMPAIGNS.read_text()}),
            env=offline_env(DEMO_DIR / "state", DEMO_DIR / "pulumi-home"),
            stack="demo",
        )
        ws.run("stack", "select", "--create", "demo")
        ws.set_config("altcraft:url", url)
        ws.set_config("altcraft:token", DEMO_TOKEN, secret=True)
        admin.reset_calls()

        banner("pulumi preview --diff   (what a reviewer sees on the pull request)")
        run(ws, "preview", "--diff")
        print(f"API calls during preview: {json.dumps(admin.calls())}  (no writes)")

        banner("pulumi up   (what the deploy pipeline runs after merge)")
        admin.reset_calls()
        run(ws, "up", "--yes", "--skip-preview")
        print(f"API calls during up: {json.dumps(admin.calls())}")

        banner("Altcraft now")
        for campaign_id, campaign in admin.campaigns().items():
            print(f"  campaign {campaign_id:>3}  {campaign['state']:<9}  {campaign['name']}")
        print(
            f"\nRun `make demo` again: nothing changes. Edit {DEMO_CAMPAIGNS.relative_to(REPO_ROOT)} (flip an "
            "`active`) and run it again\nto see the change previewed and applied. Start over: rm -rf .pulumi-local/demo"
        )
    except PulumiFailed as failure:
        print(failure.result.stdout, failure.result.stderr, sep="\n", file=sys.stderr)
        raise SystemExit("the demo failed; see the pulumi output above") from None
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
