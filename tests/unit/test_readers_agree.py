"""Every reader of a campaigns file agrees on every entry's id and meaning (issue 31).

Generated accounts (any name Altcraft can hold, any editor, every state an entry can adopt): the
file `export` writes is read by the loader, by `check` and by adopt-drift's editor to the same ids
and the same meaning as Altcraft's, and an adoption of drift changes those entries alone, to what
Altcraft has now, leaving every other byte of the file as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provider.altcraft.model import LiveCampaign, parse_campaign
from provider.campaigns.loader import load_campaigns, parse_campaigns
from provider.cli.adopt import adopt, drifted
from provider.cli.check import check
from provider.cli.export import render
from provider.cli.preview_output import read_preview
from provider.cli.summary import summarize
from provider.planning.lines import Edit, PlannedChange
from tests.support.review_record import record_diagnostic

text = st.text(alphabet=st.characters(exclude_categories=()), min_size=1, max_size=30)
account = st.lists(
    st.tuples(st.integers(1, 2**31 - 1), text, st.sampled_from(["active", "inactive", "waiting"])),
    min_size=1,
    max_size=8,
    unique_by=lambda c: c[0],
)


@given(account, st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_export_the_loader_check_and_adopt_drift_agree(tmp_path_factory, campaigns, data) -> None:
    live = [parse_campaign({"id": i, "name": name, "state": state}, i) for i, name, state in campaigns]
    exported = render(live, "https://altcraft.example")
    path = Path(tmp_path_factory.mktemp("agree")) / "campaigns.yaml"
    path.write_text(exported, encoding="utf-8")

    specs = {spec.id: spec for spec in load_campaigns(path)}
    assert {campaign.id: campaign.name for campaign in live} == {i: spec.name for i, spec in specs.items()}
    for campaign in live:
        spec = specs[campaign.id]
        assert (spec.active, spec.scheduled_in_altcraft) == (campaign.state == "active", campaign.state == "waiting")
    assert check(path)[-1].startswith(f"{path}: {len(live)} campaign(s), valid")

    # Someone changes some of them in Altcraft; the preview's record names them, with any editor.
    chosen = data.draw(st.lists(st.sampled_from([c.id for c in live]), unique=True, min_size=1))
    now = {c.id: c for c in live}
    changes = []
    for campaign_id in chosen:
        before = now[campaign_id]
        state = data.draw(st.sampled_from([s for s in ("active", "inactive", "waiting") if s != before.state]))
        editor = data.draw(text)
        now[campaign_id] = LiveCampaign(campaign_id, before.name, state)
        back = {"active": "active", "inactive": "inactive", "waiting": "waiting"}[before.state]
        changes.append(PlannedChange(campaign_id, before.name, state, back, "drift", edit=Edit(editor, None)))
    preview = json.dumps({"diagnostics": [record_diagnostic(changes)]})
    edited = adopt(exported, str(path), drifted(summarize(read_preview(preview))))

    after = {spec.id: spec for spec in parse_campaigns(edited.encode(), str(path))}
    assert set(after) == set(specs)
    for campaign_id, spec in after.items():
        state = now[campaign_id].state
        assert (spec.active, spec.scheduled_in_altcraft, spec.name) == (
            state == "active",
            state == "waiting",
            specs[campaign_id].name,
        )
    # Only the adopted entries' `active` lines differ, each on its own line.
    old_lines, new_lines = exported.splitlines(), edited.splitlines()
    assert len(old_lines) == len(new_lines)
    differing = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert len(differing) == len(chosen)
    assert all(a.lstrip().startswith("active: ") and b.lstrip().startswith("active: ") for a, b in differing)
