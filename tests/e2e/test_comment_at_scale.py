"""The pull-request comment from real previews, as the example workflow makes it, rendered by cmarkgfm.

One production stack against one stand-in account of 1,500 campaigns, walked through the cases of
the issue in order (each step sets up the next): adopting 1,500 at once, releasing most of the
managed campaigns, a protected removal, the change limit, a policy pack's violations, and a clock
that disagrees with this machine's.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from provider.cli.comment import MAX_COMMENT
from provider.cli.preview_output import STREAMING_ENV
from provider.cli.text import MAX_LINE
from tests.support.e2e import add_campaigns, run_summary
from tests.support.markdown import render, table_rows
from tests.support.stand_in import TOKEN, LocalAltcraft
from tooling.pulumi_cli import Workspace, new_workspace
from tooling.pulumi_env import REPO_ROOT

ACCOUNT = range(1001, 2501)  # 1,500 campaigns, all active
MANAGED = range(1001, 1101)  # the 100 the stack manages after step 2
PROTECTED = 1001


def entries(ids: range | list[int], off: set[int] = frozenset(), protect: int | None = None) -> str:
    lines = ["campaigns:" if ids else "campaigns: []"]
    for campaign_id in ids:
        extra = ", protect: true" if campaign_id == protect else ""
        lines.append(f"  - {{id: {campaign_id}, active: {'false' if campaign_id in off else 'true'}{extra}}}")
    return "\n".join(lines) + "\n"


def preview(ws: Workspace, *args: str, env: dict[str, str] | None = None) -> str:
    """`pulumi preview` as the example workflow runs it: the engine's event stream."""
    result = ws.run("preview", "--json", *args, check=False, env={**ws.env, STREAMING_ENV: "1", **(env or {})})
    assert result.stdout.strip(), result.stderr
    return result.stdout


def summary(stream: str, *args: str) -> tuple[int, str]:
    done = run_summary(stream, *args)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, done.stdout


def fits_github(markdown: str) -> None:
    assert len(markdown) <= MAX_COMMENT, len(markdown)
    assert max(len(line) for line in markdown.splitlines()) <= MAX_LINE


def test_the_comment_tells_the_truth_at_any_size_and_on_every_failure(tmp_path: Path, altcraft: LocalAltcraft) -> None:
    add_campaigns(altcraft, ACCOUNT)
    ws = new_workspace(tmp_path, stack="production")
    ws.set_config("altcraft:url", altcraft.url)
    ws.set_config("altcraft:token", TOKEN, secret=True)
    ws.set_config("altcraft:requireNameGuards", "false")  # so that the policy pack's own rule is what fails

    # 1. Adopting the whole account of 1,500, half of them switched off: 750 calls.
    ws.write("campaigns.yaml", entries(ACCOUNT, off=set(ACCOUNT[::2])))
    stream = preview(ws, env={"ALTCRAFT_MAX_CHANGES": "0"})
    code, markdown = summary(stream, "--full-list", "the run's artifacts")
    assert code == 0 and markdown.splitlines()[0] == "### Altcraft campaigns: 750 calls (750 deactivate)"
    fits_github(markdown)
    page = render(markdown)
    shown = [int(row[0].split()[0]) for row in table_rows(page)]
    missing = sum(int(n) for n in re.findall(r"<p>(\d+) more, not shown", page))
    assert len(shown) == len(set(shown)) and len(shown) + missing == 1500 and "the run's artifacts" in page
    code, document = summary(stream, "--format", "json")
    rows = json.loads(document)["rows"]
    assert json.loads(document)["status"] == "ok" and len(rows) == 1500
    assert sum(row["change"] == "deactivate" for row in rows) == 750
    assert altcraft.admin.write_calls() == 0

    # 2. Release: 100 managed (one protected), then a file keeping only the protected one.
    ws.write("campaigns.yaml", entries(MANAGED, protect=PROTECTED))
    ws.up()
    ws.write("campaigns.yaml", entries([PROTECTED], protect=PROTECTED))
    code, markdown = summary(preview(ws))
    assert code == 0 and markdown.splitlines()[0] == (
        "### Altcraft campaigns: WARNING: releases 99 of 100 managed campaigns; no calls to Altcraft"
    )
    fits_github(markdown)

    # 3. Removing the protected entry too: the review refuses, with the line and the two steps.
    ws.write("campaigns.yaml", "# every campaign released\ncampaigns: []\n")
    code, markdown = summary(preview(ws))
    first = markdown.splitlines()[0]
    assert code == 1 and first.startswith("### Altcraft campaigns: the preview FAILED: ``campaigns.yaml:2: campaign"), (
        first
    )
    assert f"campaign {PROTECTED} Campaign {PROTECTED} is no longer in the file, but it is protected" in markdown
    assert "first put the entry back with `protect: false` and deploy that; then remove the entry" in markdown
    assert "no longer managed, left as it is" not in markdown and not table_rows(render(markdown))

    # 4. Over the change limit: the failure first, and no call counted as if it were sent.
    ws.write("campaigns.yaml", entries(MANAGED, off={1002, 1003, 1004}, protect=PROTECTED))
    code, markdown = summary(preview(ws, env={"ALTCRAFT_MAX_CHANGES": "2"}))
    assert code == 1 and markdown.startswith(
        "### Altcraft campaigns: the preview FAILED: `campaigns.yaml: this run would send 3 calls to Altcraft, more "
        "than the limit of 2 (ALTCRAFT_MAX_CHANGES): campaign 1002 Campaign 1002: active -> inactive (change)"
    ), markdown.splitlines()[0]
    assert "deactivate)" not in markdown.splitlines()[0] and not table_rows(render(markdown))

    # 5. A policy pack: 100 entries without a name guard, each a mandatory violation, all in one comment.
    stream = preview(ws, "--policy-pack", str(REPO_ROOT / "policies"))
    code, markdown = summary(stream)
    assert code == 1 and markdown.startswith(
        "### Altcraft campaigns: the preview FAILED: ``policy campaigns-need-a-name-guard (mandatory), campaign-"
    ), markdown[:300]
    assert "has no name guard" in markdown
    fits_github(markdown)
    errors = json.loads(summary(stream, "--format", "json")[1])["errors"]
    assert len(errors) == 100 and all(e.startswith("policy campaigns-need-a-name-guard (mandatory)") for e in errors)

    # 6. Altcraft's clock five days ahead (no window in the file, so only a warning), said in units.
    altcraft.admin.set_clock((datetime.now(UTC) + timedelta(days=5)).isoformat())
    code, markdown = summary(preview(ws, env={"ALTCRAFT_MAX_CHANGES": "3"}))
    assert code == 0 and re.search(r"Altcraft's clock is 5 d 0 h ahead of this machine's", markdown), markdown
    assert altcraft.admin.write_calls() == 0
