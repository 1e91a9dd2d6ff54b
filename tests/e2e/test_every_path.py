"""Guard rails on the commands beyond preview + up (issue 19), with the real CLI and the stand-in.

`pulumi destroy` never runs the program's review; a refresh reads campaigns one by one; a
password in the URL, a host that does not resolve, https against plain HTTP, a file nested 500
deep and names that only look alike each get one clear answer and zero writes. (An outage in a
refresh and a broken listed item share test_outage.py's stack of 300 campaigns.)
"""

from __future__ import annotations

import unicodedata

from provider.planning.record import CAMPAIGN_TYPE
from tests.support.e2e import add_campaigns
from tests.support.stand_in import LocalAltcraft
from tooling.pulumi_cli import Workspace


def managed(stack: Workspace) -> list[int]:
    resources = stack.export()["deployment"].get("resources") or []
    campaigns = [r for r in resources if r["type"] == CAMPAIGN_TYPE]
    # provider.engine.workarounds: the program sends no Python stack with a registration.
    assert not [r for r in campaigns if "stackTrace" in r or "sourcePosition" in r]
    return sorted(int(r["outputs"]["campaign_id"]) for r in campaigns)


def test_destroy_sends_no_call_with_or_without_the_program(stack: Workspace, altcraft: LocalAltcraft) -> None:
    """Issue 30, case 6: 30 `on_remove: deactivate` entries under a limit of 10 used to stop 10
    campaigns and then fail. `pulumi destroy` has no review, so it sends nothing, and refuses to
    forget a running campaign its entry says to stop on removal."""
    ids = range(1000, 1030)
    add_campaigns(altcraft, ids)
    entries = "".join(f"  - {{id: {i}, active: true, on_remove: deactivate}}\n" for i in ids)
    stack.write("campaigns.yaml", "campaigns:\n" + entries)
    stack.set_config("altcraft:maxChanges", "10")
    stack.up()
    assert altcraft.admin.write_calls() == 0  # adopted as they are

    without_program = {k: v for k, v in stack.env.items() if k != "PULUMI_RUN_PROGRAM"}
    for env in (without_program, {**stack.env, "PULUMI_RUN_PROGRAM": "true"}):
        result = stack.run("destroy", "--yes", "--skip-preview", env=env, check=False)
        assert result.returncode != 0
        assert altcraft.admin.write_calls() == 0, result.stdout
        assert "is active in Altcraft and its entry says on_remove: deactivate" in result.stdout
        assert len(managed(stack)) == 30  # none forgotten, none stopped
    assert all(altcraft.admin.states()[i] == "active" for i in ids)


def test_a_refresh_that_does_not_find_a_campaign_keeps_its_record_and_the_emergency_stop(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    stack.write("campaigns.yaml", "campaigns:\n  - {id: 23, name: Welcome series, active: true, drift: keep}\n")
    stack.up()
    altcraft.admin.set_state(23, "inactive")  # the emergency stop, in the web UI
    altcraft.admin.remove(23)  # and for a moment Altcraft does not find it for this token
    altcraft.admin.reset_calls()

    plain = {k: v for k, v in stack.env.items() if k != "PULUMI_RUN_PROGRAM"}  # a plain refresh
    refresh = stack.run("refresh", "--yes", "--skip-preview", env=plain, check=False)
    assert refresh.returncode != 0
    assert "campaign 23 (last seen as 'Welcome series', active) was not found in Altcraft" in refresh.stdout
    assert managed(stack) == [23]

    altcraft.admin.add(23, "Welcome series", "inactive")  # visible again, still stopped
    up = stack.up()
    assert "drift kept" in up.stdout
    assert altcraft.admin.states()[23] == "inactive" and altcraft.admin.write_calls() == 0


def test_bad_addresses_a_deep_file_and_look_alike_names_each_get_one_clear_error(
    stack: Workspace, altcraft: LocalAltcraft
) -> None:
    nfd = unicodedata.normalize("NFD", "Café Noël")
    altcraft.admin.rename(18, unicodedata.normalize("NFC", "Café Noël"))
    altcraft.admin.rename(19, "\u0412lack Friday")  # a Cyrillic capital VE where a Latin B belongs
    stack.write("campaigns.yaml", f"campaigns:\n  - {{id: 18, name: {nfd}, active: false}}\n")
    stack.preview()  # the same name written two ways passes the guard
    stack.write("campaigns.yaml", "campaigns:\n  - {id: 19, name: Black Friday, active: true}\n")
    alike = stack.preview(check=False)
    assert "U+0042 LATIN CAPITAL LETTER B in the file, U+0412 CYRILLIC CAPITAL LETTER VE in Altcraft" in alike.stdout

    stack.write("campaigns.yaml", "campaigns:\n  - id: 18\n    active: true\n    name: " + "[" * 500 + "]" * 500)
    deep = stack.preview(check=False)
    assert "campaigns.yaml:4: nested more than 32 levels deep" in deep.stdout
    assert "RecursionError" not in deep.stdout + deep.stderr

    stack.write("campaigns.yaml", "campaigns:\n  - {id: 18, active: true}\n")
    port = altcraft.url.rsplit(":", 1)[1]
    with_password = f"http://ops:Pa55-word@127.0.0.1:{port}"
    stack.run("config", "rm", "altcraft:url")
    shown = stack.run("preview", env={**stack.env, "ALTCRAFT_URL": with_password})
    assert f"Altcraft at http://ops:***@127.0.0.1:{port}/api/v1.1" in shown.stdout
    stack.set_config("altcraft:url", with_password)  # plain text in Pulumi.<stack>.yaml: refused
    plain = stack.preview(check=False)
    assert "altcraft:url holds a password" in plain.stdout and "pulumi config set --secret altcraft:url" in plain.stdout
    stack.set_config("altcraft:url", "http://altcraft.invalid")
    unresolved = stack.preview(check=False)
    assert "the host name 'altcraft.invalid' does not resolve (DNS). Check altcraft:url" in unresolved.stdout
    stack.set_config("altcraft:url", altcraft.url.replace("http://", "https://"))
    not_tls = stack.preview(check=False)
    assert "does not speak TLS" in not_tls.stdout and "REQUESTS_CA_BUNDLE" not in not_tls.stdout
    for result in stack.history:
        assert "Pa55-word" not in result.stdout + result.stderr
    assert altcraft.admin.write_calls() == 0
