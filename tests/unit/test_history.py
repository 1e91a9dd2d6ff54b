"""history: the ledger joined with Pulumi's update history by time, newest first."""

import json

from provider.cli.history import histories, to_json, to_text, updates_of
from provider.planning.record import CAMPAIGN_TYPE
from provider.planning.removals import REMOVAL_TYPE, REMOVED_KEY

HISTORY = [  # as `pulumi stack history --json` prints it: newest first; the file backend's versions are 0
    {
        "version": 0,
        "kind": "update",
        "startTime": "2026-11-30T09:00:00.000Z",
        "endTime": "2026-11-30T09:00:04.000Z",
        "message": "Welcome series on",
        "environment": {"git.head": "b" * 40, "git.author": "Bob Builder", "ci.build.url": "https://ci/102"},
    },
    {"version": 0, "kind": "refresh", "startTime": "2026-11-29T12:00:00.000Z", "endTime": "2026-11-29T12:00:01.000Z"},
    {
        "version": 0,
        "kind": "update",
        "startTime": "2026-11-28T09:00:00.000Z",
        "endTime": "2026-11-28T09:00:03.000Z",
        "environment": {"git.head": "a" * 40, "git.author": "Ann Author", "ci.pr.number": "7"},
    },
]


def resource(campaign_id: int, *entries: str) -> dict:
    outputs = {"campaign_id": float(campaign_id), "name": f"Campaign {campaign_id}", "changes": list(entries)}
    return {"type": CAMPAIGN_TYPE, "urn": f"urn::campaign-{campaign_id}", "outputs": outputs}


# In the update's last (whole) second.
DRIFT = "2026-11-30T09:00:04Z activate: inactive -> active (drift: changed in Altcraft by j.smith at 2026-11-29 10:02:31 UTC)"
ADOPT = "2026-11-28T09:00:02Z activate: inactive -> active (adopt)"
LOST = "2026-11-20T09:00:00Z deactivate: active -> inactive (change)"


def test_each_entry_belongs_to_the_update_that_was_running_and_updates_are_counted_from_the_oldest() -> None:
    updates = updates_of(HISTORY)
    assert [(u.number, u.commit, u.author) for u in updates] == [
        (1, "a" * 40, "Ann Author"),
        (2, None, None),  # a `pulumi refresh`: it records what it saw changed in Altcraft
        (3, "b" * 40, "Bob Builder"),
    ]
    [found] = histories([resource(18, DRIFT, ADOPT, LOST), resource(19)], updates, set())
    drift, adopt, lost = found.events
    assert (drift.update, drift.commit, drift.run_url, drift.message) == (
        3,
        "b" * 40,
        "https://ci/102",
        "Welcome series on",
    )
    assert (adopt.update, adopt.author, adopt.pull_request) == (1, "Ann Author", "7")
    assert lost.update is None  # older than the history the backend kept


def test_asked_for_a_campaign_without_calls_it_is_listed_with_none() -> None:
    found = histories([resource(18, ADOPT), resource(19)], updates_of(HISTORY), {19})
    assert [(h.campaign_id, h.events) for h in found] == [(19, [])]
    assert to_text(found) == "campaign 19 Campaign 19\n  no call sent by a deploy\n"


def test_text_and_json() -> None:
    found = histories([resource(18, DRIFT, ADOPT)], updates_of(HISTORY), set())
    assert to_text(found).splitlines() == [
        "campaign 18 Campaign 18",
        "  2026-11-30T09:00:04Z  activate  inactive -> active  (drift: changed in Altcraft by j.smith at "
        "2026-11-29 10:02:31 UTC)  update 3, commit bbbbbbbbbbbb, by Bob Builder, https://ci/102",
        "  2026-11-28T09:00:02Z  activate  inactive -> active  (adopt)  update 1, commit aaaaaaaaaaaa, by Ann Author, "
        "pull request 7",
    ]
    document = json.loads(to_json(found))
    assert document["version"] == 1 and document["campaigns"][0]["events"][0]["altcraft_by"] == "j.smith"
    assert to_text([]) == "no campaign of this stack has had a call sent by a deploy yet\n"


def record(campaign_id: int, *entries: str, name: str | None = "Old name") -> dict:
    outputs = {REMOVED_KEY: float(campaign_id), "on_remove": "deactivate", "changes": list(entries)}
    outputs.update({"name": name} if name else {})
    return {"type": REMOVAL_TYPE, "urn": f"urn::removal-{campaign_id}", "outputs": outputs}


REMOVE = "2026-11-30T09:00:03Z deactivate: active -> inactive (remove)"
RETAINED = "2026-11-30T09:00:01Z no call (remove)"


def test_a_removed_campaign_keeps_its_history_on_its_removal_record() -> None:
    found = histories([record(18, REMOVE, ADOPT), resource(19, ADOPT)], updates_of(HISTORY), {18})
    [removed] = found
    assert (removed.name, removed.in_stack) == ("Old name", False)
    assert [(e.cause, e.sent, e.update) for e in removed.events] == [
        ("remove", ["deactivate"], 3),
        ("adopt", ["activate"], 1),
    ]
    assert to_text(found).splitlines()[:2] == [
        "campaign 18 Old name  (its entry left the file)",
        "  2026-11-30T09:00:03Z  deactivate  active -> inactive  (remove)  update 3, commit bbbbbbbbbbbb, "
        "by Bob Builder, https://ci/102",
    ]
    [retained] = histories([record(20, RETAINED, name=None)], updates_of(HISTORY), set())
    assert retained.name is None and (retained.events[0].before, retained.events[0].after) == (None, None)
    assert to_text([retained]).splitlines()[1].startswith("  2026-11-30T09:00:01Z  no call  (remove)  update 3")


def test_a_campaign_back_in_the_file_joins_its_old_and_new_ledgers_each_entry_once() -> None:
    again = "2026-11-30T09:00:04Z activate: inactive -> active (adopt)"
    # Back after a removal: new entries on the resource, old ones on the record; the live name wins.
    [back] = histories([record(18, REMOVE, ADOPT), resource(18, again)], updates_of(HISTORY), set())
    assert (back.name, back.in_stack) == ("Campaign 18", True)
    assert [e.at for e in back.events] == ["2026-11-30T09:00:04Z", "2026-11-30T09:00:03Z", "2026-11-28T09:00:02Z"]
    # A deletion that failed after the record was written: the deploys are on both, shown once;
    # two deploys in one second stay two.
    [both] = histories([resource(18, ADOPT, ADOPT), record(18, REMOVE, ADOPT, ADOPT)], updates_of(HISTORY), set())
    assert [e.cause for e in both.events] == ["remove", "adopt", "adopt"]


def test_text_a_person_typed_is_escaped_on_a_terminal() -> None:
    """Issue 31, case 9: a live name, an editor, a git author or a CI URL with a newline, an ANSI
    escape or U+202E printed a fake line or coloured the terminal."""
    from provider.planning.lines import Edit
    from provider.planning.record import LedgerEntry

    hostile = "X\ncampaign 99 Fake: inactive -> active (adopt)\x1b[31m\u202e"
    entry = LedgerEntry("2026-11-30T09:00:04Z", ("activate",), "inactive", "active", "drift", Edit(hostile, None))
    history = [
        {
            **HISTORY[0],
            "environment": {"git.head": "b" * 40, "git.author": hostile, "ci.build.url": f"https://ci/{hostile}"},
        },
        *HISTORY[1:],
    ]
    record = resource(18, entry.text())
    record["outputs"]["name"] = hostile
    text = to_text(histories([record], updates_of(history), set()))
    assert len(text.splitlines()) == 2  # the campaign's line and its one event, nothing else
    assert "\x1b" not in text and "\u202e" not in text
    assert "X\\ncampaign 99 Fake: inactive -> active (adopt)\\x1b[31m\\u202e" in text.splitlines()[0]
