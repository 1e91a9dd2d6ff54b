"""The two example comments of docs/pull-request-workflow.md, from real previews: `python -m tooling.example_comments`.

Runs the page's scenario with the real CLI against the local stand-in: a deployed stack of five
campaigns, then a pull request that switches off campaign 21 and adds 22 while someone switched 23
on in the web UI as j.smith (the comment that passes), and one that renames campaign 19's guard and asks for
the completed campaign 30 (the comment that fails). It saves both previews' event streams in
tests/data (the stand-in's address replaced by EXAMPLE_URL), where a unit test checks that the
page shows exactly the comments `altcraft-campaigns summary` makes of them, and prints those.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from altcraft_local import process as altcraft_process
from altcraft_local.admin import Admin
from provider.cli.comment import to_markdown
from provider.cli.preview_output import STREAMING_ENV, read_preview
from provider.cli.summary import summarize
from tooling.demo import DEMO_TOKEN
from tooling.pulumi_cli import new_workspace
from tooling.pulumi_env import REPO_ROOT

EXAMPLE_URL = "https://altcraft.example.com"
DATA = REPO_ROOT / "tests" / "data"
STREAMS = {"passes": DATA / "example-preview.jsonl", "fails": DATA / "example-preview-failed.jsonl"}
DEPLOYED = """\
campaigns:
  - {id: 18, name: Black Friday, active: false}
  - {id: 19, name: Cyber Monday, active: true}
  - {id: 21, name: Spring collection, active: true}
  - {id: 23, name: Welcome series, active: false}
  - {id: 30, name: Summer 2025, active: false}
"""
PASSES = DEPLOYED.replace("Spring collection, active: true", "Spring collection, active: false") + (
    "  - {id: 22, name: Seasonal sale, active: true}\n"
)
FAILS = DEPLOYED.replace("name: Cyber Monday,", "name: Cyber Monday sale,").replace(
    "Summer 2025, active: false", "Summer 2025, active: true"
)


def comment(stream: Path) -> str:
    return to_markdown(summarize(read_preview(stream.read_text())))


def record() -> None:
    root = Path(tempfile.mkdtemp(prefix="example-comments-"))
    server, url = altcraft_process.start(root / "altcraft.json")
    try:
        ws = new_workspace(root, stack="production")
        ws.set_config("altcraft:url", url)
        ws.set_config("altcraft:token", DEMO_TOKEN, secret=True)
        ws.write("campaigns.yaml", DEPLOYED)
        ws.up()
        Admin(url).set_state(23, "active", user="j.smith")  # j.smith switched it on in the web UI
        for case, text in (("passes", PASSES), ("fails", FAILS)):
            ws.write("campaigns.yaml", text)
            result = ws.run("preview", "--json", check=False, env={**ws.env, STREAMING_ENV: "1"})
            STREAMS[case].write_text(result.stdout.replace(url, EXAMPLE_URL))
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    record()
    for case, stream in STREAMS.items():
        print(f"--- the comment that {case} ({stream.relative_to(REPO_ROOT)}):\n{comment(stream)}")


if __name__ == "__main__":
    main()
