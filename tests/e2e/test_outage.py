"""300 campaigns: Altcraft unreachable fails the preview once, within the retry budget, in one line;
a refresh in an outage reports one error, not one per campaign; a broken listed item costs one
listing (issue 19, cases 5 and 6)."""

from __future__ import annotations

import socket
import time

from tests.support.e2e import add_campaigns, campaigns_file
from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import Workspace

# A budget shorter than the default 60 s keeps the suite short; the bound is the same rule.
RETRY_BUDGET_S = 15


def a_closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_outage_fails_the_preview_within_the_budget_with_one_error(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    ids = range(1000, 1300)
    add_campaigns(altcraft, [*ids, 2500])
    stack.write("campaigns.yaml", campaigns_file(dict.fromkeys(ids, True)))
    stack.up()

    # One item of the listing, not in the file, shows its id as a string: one walk of the listing
    # per process (a page and the empty page after it), and no problem for anyone.
    altcraft.admin.break_id(2500, "2500")
    altcraft.admin.reset_calls()
    assert "`pulumi up` would send no calls" in stack.preview().stdout
    assert altcraft.admin.calls().get("list") == 4  # the program's walk and the refresh's

    url = f"http://127.0.0.1:{a_closed_port()}"
    stack.set_config("altcraft:url", url)  # Altcraft down
    plain = {k: v for k, v in stack.env.items() if k != "PULUMI_RUN_PROGRAM"}
    start = time.monotonic()
    result = stack.run("preview", env={**plain, "ALTCRAFT_RETRY_BUDGET_SECONDS": str(RETRY_BUDGET_S)}, check=False)
    elapsed = time.monotonic() - start

    assert result.returncode != 0
    assert elapsed < RETRY_BUDGET_S + 15, elapsed
    errors = {line.split("error: ", 1)[1] for line in result.stdout.splitlines() if "error: " in line}
    assert errors == {next(iter(errors))}, errors  # one distinct error, not one per campaign
    assert next(iter(errors)).startswith(
        f"cannot reach Altcraft at {url}/api/v1.1 (scampaigns/list): connection refused"
    )
    assert "HTTPConnectionPool" not in result.stdout + result.stderr

    # Altcraft down at the address the refresh uses (the one saved at the last up): the first read
    # reports it and fails the refresh; the 299 others leave their records as they are.
    stack.set_config("altcraft:url", altcraft.url)
    altcraft.admin.add_fault("drop", times=-1)
    down = stack.run("preview", env={**plain, "ALTCRAFT_RETRY_BUDGET_SECONDS": "2"}, check=False)
    assert down.returncode != 0
    assert 1 <= down.stdout.count("cannot reach Altcraft at") <= 2, down.stdout  # progress and diagnostics
