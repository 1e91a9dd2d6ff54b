"""Altcraft unreachable: the preview of 300 campaigns fails once, within the retry budget, in one line."""

from __future__ import annotations

import socket
import time

from tests.conftest import LocalAltcraft
from tests.e2e.conftest import add_campaigns, campaigns_file
from tooling.pulumi_cli import Workspace

DEFAULT_RETRY_BUDGET_S = 60


def a_closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_outage_fails_the_preview_within_the_budget_with_one_error(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    ids = range(1000, 1300)
    add_campaigns(altcraft, ids)
    stack.write("campaigns.yaml", campaigns_file(dict.fromkeys(ids, True)))
    stack.up()

    url = f"http://127.0.0.1:{a_closed_port()}"
    stack.set_config("altcraft:url", url)  # Altcraft down; every other setting the default
    plain = {k: v for k, v in stack.env.items() if k != "PULUMI_RUN_PROGRAM"}
    start = time.monotonic()
    result = stack.run("preview", env=plain, check=False)
    elapsed = time.monotonic() - start

    assert result.returncode != 0
    assert elapsed < DEFAULT_RETRY_BUDGET_S + 15, elapsed
    errors = {line.split("error: ", 1)[1] for line in result.stdout.splitlines() if "error: " in line}
    assert errors == {next(iter(errors))}, errors  # one distinct error, not one per campaign
    assert next(iter(errors)).startswith(
        f"cannot reach Altcraft at {url}/api/v1.1 (scampaigns/list): connection refused"
    )
    assert "HTTPConnectionPool" not in result.stdout + result.stderr
