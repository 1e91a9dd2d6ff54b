"""The command-line helpers as a user meets them: the console script, --help, settings refused early."""

from __future__ import annotations

from pathlib import Path

import pytest

from provider.campaigns.loader import load_campaigns
from provider.cli import parser, settings_help
from provider.errors import SettingsError, SpecError
from provider.settings import Settings


def test_help_lists_every_setting_its_variable_and_how_the_stack_is_chosen() -> None:
    text = parser().format_help()
    for name in (
        "altcraft:url", "ALTCRAFT_URL", "altcraft:token", "ALTCRAFT_TOKEN", "altcraft:requestTimeoutSeconds",
        "ALTCRAFT_REQUEST_TIMEOUT_SECONDS", "altcraft:retryBudgetSeconds", "ALTCRAFT_RETRY_BUDGET_SECONDS",
        "altcraft:maxChanges", "ALTCRAFT_MAX_CHANGES", "campaignsFile", "PULUMI_CONFIG_PASSPHRASE", "--stack",
    ):  # fmt: skip
        assert name in text, name
    # Each command that reads a stack shows the same list.
    assert settings_help() in parser()._subparsers._group_actions[0].choices["export"].format_help()


URL, TOKEN = {"altcraft:url": "https://altcraft.test"}, {"altcraft:token": "t0ken"}


@pytest.mark.parametrize(
    ("config", "environ", "message"),
    [
        ({**URL, "altcraft:token": ""}, {"ALTCRAFT_TOKEN": "from-env"}, "altcraft:token is set but empty: set it "
         "with `pulumi config set --secret altcraft:token` and paste the token at its prompt"),
        ({**URL, "altcraft:token": "  \n"}, {}, "altcraft:token is set but empty"),
        (URL, {"ALTCRAFT_TOKEN": ""}, "ALTCRAFT_TOKEN is set but empty: set it with `export ALTCRAFT_TOKEN=<token>`"),
        ({"altcraft:url": "", **TOKEN}, {"ALTCRAFT_URL": "https://env.test"}, "altcraft:url is set but empty"),
        ({"altcraft:url": "altcraft.example.com", **TOKEN}, {}, "altcraft:url: Altcraft URL must start with http"),
        (TOKEN, {"ALTCRAFT_URL": "altcraft.example.com"}, "ALTCRAFT_URL: Altcraft URL must start with http"),
    ],
)  # fmt: skip
def test_an_empty_or_unusable_setting_is_refused_naming_it(config, environ, message) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_sources(config.get, environ)
    assert message in str(raised.value)


def test_a_token_with_a_trailing_newline_is_used_without_it() -> None:
    settings = Settings.from_sources({"altcraft:url": "https://a.test", "altcraft:token": "t0ken\n"}.get, {})
    assert settings.token == "t0ken"


def test_a_missing_campaigns_file_names_the_setting_that_chose_it(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as raised:
        load_campaigns(tmp_path / "campaign.yaml", "named by the stack's config key campaignsFile")
    assert str(raised.value).startswith(
        f"{tmp_path / 'campaign.yaml'}: file not found (named by the stack's config key campaignsFile)\n"
    )


def test_check_applies_the_stacks_name_guard_rule_as_the_program_does(tmp_path: Path) -> None:
    from provider.cli.check import check
    from provider.settings import name_guards_required

    path = tmp_path / "campaigns.yaml"
    path.write_text("campaigns:\n  - {id: 18, name: Black Friday, active: true}\n  - {id: 19, active: false}\n")
    assert check(path)[-1].endswith("2 campaign(s), valid (checked without Altcraft: ids and names are not)")
    required, source = name_guards_required(lambda _key: None, "production")
    assert required
    with pytest.raises(SpecError) as raised:
        check(path, name_guards=("production", source))
    assert str(raised.value).startswith(
        f"{path}:3: campaign 19: has no name guard: stack production requires `name:` (the campaign's name in "
        "Altcraft) on every entry (altcraft:requireNameGuards (default: on for stacks named prod*))"
    )
