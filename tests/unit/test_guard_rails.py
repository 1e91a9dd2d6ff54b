"""Issue 19's cases that need no engine: names that look alike, a URL with a password, a host that
does not resolve, https against plain HTTP, and a listing that fails or holds one broken item."""

from __future__ import annotations

import unicodedata

import pytest

from provider.altcraft.model import LiveCampaign
from provider.campaigns.loader import CampaignSpec, missing_name_guards
from provider.campaigns.names import difference, same_name
from provider.errors import CampaignError, SettingsError
from provider.planning.reconcile import Desired, check_name
from provider.settings import Settings, name_guards_required
from tests.support.stand_in import TOKEN

NFC = unicodedata.normalize("NFC", "Café Noël")
NFD = unicodedata.normalize("NFD", "Café Noël")


def guard(name: str, live_name: str) -> None:
    check_name(Desired(campaign_id=7, active=True, expected_name=name), LiveCampaign(7, live_name, "inactive"))


def test_canonically_equal_names_pass_the_guard() -> None:
    assert NFC != NFD and same_name(NFC, NFD)
    guard(NFC, NFD)  # no error: the same text, written two ways


def test_look_alike_names_fail_and_show_the_code_points_that_differ() -> None:
    with pytest.raises(CampaignError) as raised:
        guard("Black Friday", "\u0412lack Friday")  # Cyrillic capital VE for the Latin B
    assert (
        "they only look alike: character 1 is U+0042 LATIN CAPITAL LETTER B in the file, "
        "U+0412 CYRILLIC CAPITAL LETTER VE in Altcraft"
    ) in str(raised.value)
    assert difference("Black Friday", "Cyber Monday") is None  # plainly different: no code points
    assert not same_name("ﬁnal", "final")  # compatibility forms are other characters


def test_a_password_in_plain_stack_config_is_refused_with_the_command_that_encrypts_it() -> None:
    config = {"altcraft:url": "https://ops:Pa55-word@altcraft.example", "altcraft:token": TOKEN}
    with pytest.raises(SettingsError) as raised:
        Settings.from_sources(config.get, {}, is_secret=lambda key: key == "altcraft:token")
    assert "`pulumi config set --secret altcraft:url`" in str(raised.value)
    assert "Pa55-word" not in str(raised.value)
    # Stored as a secret (or passed in ALTCRAFT_URL, which never reaches the state), it is used.
    assert Settings.from_sources(config.get, {}, is_secret=lambda _key: True).url.startswith("https://ops:")


def test_name_guards_are_required_in_production_stacks_unless_the_stack_says_otherwise() -> None:
    assert name_guards_required(lambda _key: None, "production") == (
        True,
        "altcraft:requireNameGuards (default: on for stacks named prod*)",
    )
    assert name_guards_required(lambda _key: None, "staging")[0] is False
    assert name_guards_required({"altcraft:requireNameGuards": "true"}.get, "staging") == (
        True,
        "altcraft:requireNameGuards",
    )
    with pytest.raises(SettingsError, match="must be true or false"):
        name_guards_required({"altcraft:requireNameGuards": "yes"}.get, "prod")
    specs = [CampaignSpec(id=18, active=False, name="Black Friday", line=2), CampaignSpec(id=19, active=False, line=4)]
    [problem] = missing_name_guards(specs, "production", "altcraft:requireNameGuards")
    assert problem.render("campaigns.yaml").startswith("campaigns.yaml:4: campaign 19: has no name guard")
