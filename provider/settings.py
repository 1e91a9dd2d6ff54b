"""Every setting, where it is read (stack config, then the environment), and its checks.

The one list of settings is `ALL`; `altcraft-campaigns --help` and docs/settings.md are made from
it. The client below this layer knows no setting names: `Settings.client` tells it which keys
chose its values, for its messages.

`altcraft:url` / ALTCRAFT_URL and the secret `altcraft:token` / ALTCRAFT_TOKEN. The token is kept
out of repr() so it cannot reach a log or an error message by accident.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from provider.altcraft.client import AltcraftClient, SettingNames
from provider.altcraft.retry import RetryPolicy
from provider.altcraft.urls import normalize_base_url, url_password_part
from provider.errors import SettingsError


class Setting(NamedTuple):
    """One setting: where it is read, its default, and what it means (for --help and docs/settings.md)."""

    key: str  # the stack config key (`pulumi config set KEY VALUE`)
    env: str  # the environment variable; "" when there is none
    default: float | int | str | None
    meaning: str  # one line, with {default} where the default goes (see `described`)
    secret: bool = False  # must be stored encrypted (`pulumi config set --secret`)

    @property
    def default_text(self) -> str:
        """The default as a user writes it: 30, not 30.0; "" when there is none."""
        if self.default is None:
            return ""
        return f"{self.default:g}" if isinstance(self.default, float) else str(self.default)

    @property
    def described(self) -> str:
        """The meaning as `altcraft-campaigns --help` and docs/settings.md show it."""
        return self.meaning.format(default=self.default_text)


URL = Setting("altcraft:url", "ALTCRAFT_URL", None, "Altcraft's address, e.g. https://altcraft.example.com")
TOKEN = Setting(
    "altcraft:token", "ALTCRAFT_TOKEN", None, "API token: `pulumi config set --secret altcraft:token`", secret=True
)
URL_KEY, TOKEN_KEY = URL.key, TOKEN.key
URL_ENV, TOKEN_ENV = URL.env, TOKEN.env
# Optional tuning, in seconds.
REQUEST_TIMEOUT = Setting(
    "altcraft:requestTimeoutSeconds",
    "ALTCRAFT_REQUEST_TIMEOUT_SECONDS",
    30.0,
    "seconds per request (default {default})",
)
RETRY_BUDGET = Setting(
    "altcraft:retryBudgetSeconds",
    "ALTCRAFT_RETRY_BUDGET_SECONDS",
    60.0,
    "seconds of retries per run (default {default})",
)
# The most calls one run may send (stack config; the environment overrides it for one run). 0: no limit.
MAX_CHANGES = Setting(
    "altcraft:maxChanges", "ALTCRAFT_MAX_CHANGES", 25, "most calls one up may send (default {default}; 0: no limit)"
)
# How far Altcraft's clock may be from this machine's in a run that reads windows
# (provider.altcraft.clock); the environment overrides it for one run. More than an hour would
# start and stop campaigns an hour off: refused.
MAX_CLOCK_SKEW = Setting(
    "altcraft:maxClockSkewSeconds",
    "ALTCRAFT_MAX_CLOCK_SKEW_SECONDS",
    300,
    "Altcraft's clock vs this one, windows (default {default})",
)
MAX_CLOCK_SKEW_CEILING = 3600
# How long a write that got no answer may still land (provider.altcraft.client waits that long for it).
WRITE_SETTLE = Setting(
    "altcraft:writeSettleSeconds",
    "ALTCRAFT_WRITE_SETTLE_SECONDS",
    60.0,
    "seconds an unanswered write may still land (default {default})",
)
# No duration a run waits for may exceed these: a typo (`1e9`, `inf`) must not hang a deploy.
DURATION_CEILING = 3600.0
WRITE_SETTLE_CEILING = 600.0
# The campaigns file of a stack: config key (in the project's namespace) and default.
CAMPAIGNS_FILE = Setting("campaignsFile", "", "campaigns.yaml", "the stack's campaigns file (default {default})")
CAMPAIGNS_FILE_KEY, DEFAULT_CAMPAIGNS_FILE = CAMPAIGNS_FILE.key, str(CAMPAIGNS_FILE.default)
# Every entry must carry a name guard (`name:`), checked on the whole file before any call. Stack
# config only: a mandatory rule that a variable can switch off for one run is advisory. Unset, it
# is on for the stacks whose name starts with PRODUCTION_PREFIX.
PRODUCTION_PREFIX = "prod"
REQUIRE_NAME_GUARDS = Setting(
    "altcraft:requireNameGuards",
    "",
    None,
    f"true: every entry needs `name:` (default: on for stacks named {PRODUCTION_PREFIX}*)",
)
REQUIRE_NAME_GUARDS_KEY = REQUIRE_NAME_GUARDS.key
# Stacks that share this Altcraft account (provider.planning.siblings): none may manage another's campaign.
SIBLING_STACKS = Setting(
    "altcraft:siblingStacks", "", None, "stacks sharing this account, a JSON list or names separated by commas"
)
# Change freezes (provider.planning.freezes): stack config only, reviewed in git like the file;
# a variable that could lift one would be a silent bypass. ALTCRAFT_BREAK_GLASS passes one, for one
# run, with a reason it prints and records.
FREEZES = Setting(
    "altcraft:freezes", "", None, 'periods when only deactivations are sent: JSON [{{"name", "from", "until"}}]'
)
BREAK_GLASS = Setting("", "ALTCRAFT_BREAK_GLASS", None, "the reason this one run may pass a freeze (required)")
# The plan file a `pulumi up --plan` applies: the run takes each campaign's calls from it
# (provider.engine.reviewed_plan), so a change in Altcraft after the review to a campaign the plan
# does not touch is left as it is instead of failing the deploy.
REVIEWED_PLAN = Setting(
    "", "ALTCRAFT_REVIEWED_PLAN", None, "with `pulumi up --plan FILE`: the same FILE (calls come from it)"
)
# More calls than this make a plan's risk high (its approval stricter). Stack config only: the
# environment must not choose a lighter approval for one run.
REVIEW_CHANGES = Setting("altcraft:reviewChanges", "", 10, "calls past which a plan's risk is high (default {default})")
# How the client's messages name its URL, token and timeout when stack config chose them all.
STACK_CONFIG_NAMES = SettingNames(url=URL_KEY, token=TOKEN_KEY, request_timeout=REQUEST_TIMEOUT.key)
# Every setting, in the order --help and docs/settings.md list them.
ALL = (
    URL,
    TOKEN,
    REQUEST_TIMEOUT,
    RETRY_BUDGET,
    MAX_CHANGES,
    MAX_CLOCK_SKEW,
    WRITE_SETTLE,
    CAMPAIGNS_FILE,
    REQUIRE_NAME_GUARDS,
    SIBLING_STACKS,
    FREEZES,
    BREAK_GLASS,
    REVIEW_CHANGES,
    REVIEWED_PLAN,
)
# The guards the environment may loosen for one run (see _guard).
OVERRIDDEN_FOR_ONE_RUN = (MAX_CHANGES, MAX_CLOCK_SKEW)


@dataclass(frozen=True)
class Settings:
    url: str
    token: str = field(repr=False)
    retry_budget_s: float = float(RETRY_BUDGET.default)
    request_timeout_s: float = float(REQUEST_TIMEOUT.default)
    write_settle_s: float = float(WRITE_SETTLE.default)
    # What chose the URL, the token and the request timeout (stack config key or variable), which the
    # client's messages name: the one the user has to change, not both.
    chosen_by: SettingNames = STACK_CONFIG_NAMES

    @property
    def url_source(self) -> str:
        """altcraft:url or ALTCRAFT_URL."""
        return self.chosen_by.url

    @classmethod
    def from_sources(
        cls,
        config_get: Callable[[str], str | None],
        environ: Mapping[str, str],
        is_secret: Callable[[str], bool] | None = None,
        stack: str | None = None,
    ) -> Settings:
        """The one order everywhere (program, provider, export): stack config, then the environment.

        `is_secret` says whether a config key is stored encrypted; given it, a token stored in
        plain text in the stack's file (Pulumi.<stack>.yaml, named for `stack`) is refused. (The
        provider cannot tell: secrets reach it decrypted. The program, which runs first in every
        preview and up, checks.)
        """
        stack_file = f"Pulumi.{stack}.yaml" if stack else "the stack's Pulumi.<stack>.yaml"
        configured_url = _set_but_empty(URL_KEY, config_get(URL_KEY), f"`pulumi config set {URL_KEY} https://<host>`")
        url = configured_url or _set_but_empty(URL_ENV, environ.get(URL_ENV), f"`export {URL_ENV}=https://<host>`")
        token_prompt = f"`pulumi config set --secret {TOKEN_KEY}` and paste the token at its prompt"
        configured_token = _set_but_empty(TOKEN_KEY, config_get(TOKEN_KEY), token_prompt)
        if configured_token and is_secret is not None and not is_secret(TOKEN_KEY):
            raise SettingsError(
                f"{TOKEN_KEY} is stored in plain text in {stack_file}. Encrypt it: run "
                f"`pulumi config set --secret {TOKEN_KEY}` (it prompts for the value), or remove it with "
                f"`pulumi config rm {TOKEN_KEY}` and export {TOKEN_ENV} instead"
            )
        if configured_url and url_password_part(configured_url) and is_secret is not None and not is_secret(URL_KEY):
            raise SettingsError(
                f"{URL_KEY} holds a password, stored in plain text in {stack_file} (and Pulumi copies plain "
                f"config into the stack's state). Store it encrypted: run `pulumi config set --secret {URL_KEY}` "
                f"(it prompts for the value), or remove it with `pulumi config rm {URL_KEY}` and export {URL_ENV} "
                "instead"
            )
        token = configured_token or _set_but_empty(TOKEN_ENV, environ.get(TOKEN_ENV), f"`export {TOKEN_ENV}=<token>`")
        if not url:
            raise SettingsError(
                f"the Altcraft URL is not set: run `pulumi config set {URL_KEY} https://<your-altcraft-host>` "
                f"or export {URL_ENV}"
            )
        if not token:
            raise SettingsError(
                f"the Altcraft API token is not set: run `pulumi config set --secret {TOKEN_KEY}` "
                f"(it prompts for the value) or export {TOKEN_ENV}"
            )
        chosen_by = SettingNames(
            url=URL_KEY if configured_url else URL_ENV,
            token=TOKEN_KEY if configured_token else TOKEN_ENV,
            request_timeout=_chosen_by(REQUEST_TIMEOUT, config_get, environ),
        )
        try:
            url = normalize_base_url(url)
        except ValueError as exc:
            raise SettingsError(f"{chosen_by.url}: {exc}") from None
        return cls(
            url=url,
            token=token,
            retry_budget_s=_seconds(RETRY_BUDGET, config_get, environ, minimum=0.0),
            request_timeout_s=_seconds(REQUEST_TIMEOUT, config_get, environ, minimum=0.1),
            write_settle_s=_seconds(WRITE_SETTLE, config_get, environ, minimum=0.0, maximum=WRITE_SETTLE_CEILING),
            chosen_by=chosen_by,
        )

    def client(self) -> AltcraftClient:
        """A client with these settings' timeouts and retry budget."""
        return AltcraftClient(
            self.url,
            self.token,
            timeout=(min(5.0, self.request_timeout_s), self.request_timeout_s),
            retry=RetryPolicy(budget_s=self.retry_budget_s),
            write_settle_s=self.write_settle_s,
            names=self.chosen_by,
        )


def _set_but_empty(name: str, value: str | None, how_to_set: str) -> str | None:
    """The value without surrounding blanks; None when unset. Set to nothing is a mistake, not "unset":
    `pulumi config set --secret altcraft:token </dev/null` stores an empty secret without a word."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        raise SettingsError(f"{name} is set but empty: set it with {how_to_set}")
    return value


def _chosen_by(setting: Setting, config_get: Callable[[str], str | None], environ: Mapping[str, str]) -> str:
    """What chose a setting's value, in the order `_seconds` reads them: its stack config key, else
    its variable if set; with neither, the key (the one to set)."""
    if config_get(setting.key):
        return setting.key
    return setting.env if environ.get(setting.env) else setting.key


def _seconds(
    setting: Setting,
    config_get: Callable[[str], str | None],
    environ: Mapping[str, str],
    minimum: float,
    maximum: float = DURATION_CEILING,
) -> float:
    key, env, default = setting.key, setting.env, float(setting.default or 0)
    raw = config_get(key) or environ.get(env)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = minimum - 1
    if not minimum <= value <= maximum:  # also refuses NaN and infinity
        raise SettingsError(
            f"{key} (or {env}) must be a number of seconds from {minimum:g} to {maximum:g}, got {raw!r}"
        )
    return value


def max_changes(config_get: Callable[[str], str | None], environ: Mapping[str, str]) -> tuple[int, str]:
    """The limit on calls per run, and the setting that chose it."""
    return _guard(MAX_CHANGES, config_get, environ, 0, None, "a whole number of calls >= 0 (0: no limit)")


def max_clock_skew(config_get: Callable[[str], str | None], environ: Mapping[str, str]) -> tuple[int, str]:
    """Seconds Altcraft's clock may be from this machine's in a run that reads windows, and the setting."""
    ceiling = MAX_CLOCK_SKEW_CEILING
    return _guard(MAX_CLOCK_SKEW, config_get, environ, 1, ceiling, f"a whole number of seconds from 1 to {ceiling}")


def review_changes(config_get: Callable[[str], str | None]) -> tuple[int, str]:
    """Calls past which a plan's risk is high, and the setting that chose it."""
    return _guard(REVIEW_CHANGES, config_get, {}, 0, None, "a whole number of calls >= 0")


def name_guards_required(config_get: Callable[[str], str | None], stack: str) -> tuple[bool, str]:
    """Whether every entry needs a name guard, and the setting (or default) that decided it."""
    raw = config_get(REQUIRE_NAME_GUARDS_KEY)
    if raw is None or raw.strip() == "":
        production = stack.startswith(PRODUCTION_PREFIX)
        return production, f"{REQUIRE_NAME_GUARDS_KEY} (default: on for stacks named {PRODUCTION_PREFIX}*)"
    value = raw.strip().lower()
    if value not in ("true", "false"):
        raise SettingsError(f"{REQUIRE_NAME_GUARDS_KEY} must be true or false, got {raw!r}")
    return value == "true", REQUIRE_NAME_GUARDS_KEY


def _guard(
    setting: Setting,
    config_get: Callable[[str], str | None],
    environ: Mapping[str, str],
    low: int,
    high: int | None,
    expected: str,
) -> tuple[int, str]:
    """A guard's value and the setting that chose it (`... (default)` when none did).

    Unlike everything else, the environment wins here: it is how one run is allowed past the
    stack's standing guard, without a commit that loosens it for good.
    """
    key, env, default = setting.key, setting.env, int(setting.default or 0)
    for raw, source in ((environ.get(env), env), (config_get(key), key)):
        if raw is None or raw == "":
            continue
        try:
            value = int(raw)
        except ValueError:
            value = low - 1
        if value < low or (high is not None and value > high):
            raise SettingsError(f"{source} must be {expected}, got {raw!r}")
        return value, source
    return default, f"{key} (default)"


def campaigns_file(configured: str | None) -> tuple[str, str]:
    """The campaigns file a stack uses, and what chose it (for a "file not found" message)."""
    if configured:
        return configured, f"named by the stack's config key {CAMPAIGNS_FILE_KEY}"
    return DEFAULT_CAMPAIGNS_FILE, (
        f"the default; a stack names another with `pulumi config set {CAMPAIGNS_FILE_KEY} FILE`"
    )
