"""Where the provider finds Altcraft: stack config first, then the environment.

`altcraft:url` / ALTCRAFT_URL and the secret `altcraft:token` / ALTCRAFT_TOKEN. The token is kept
out of repr() so it cannot reach a log or an error message by accident.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from provider.client import AltcraftClient, normalize_base_url, url_password_part
from provider.errors import UserFacingError
from provider.retry import RetryPolicy

URL_KEY, TOKEN_KEY = "altcraft:url", "altcraft:token"
URL_ENV, TOKEN_ENV = "ALTCRAFT_URL", "ALTCRAFT_TOKEN"
# Optional tuning: (config key, environment variable, default seconds)
RETRY_BUDGET = ("altcraft:retryBudgetSeconds", "ALTCRAFT_RETRY_BUDGET_SECONDS", 60.0)
REQUEST_TIMEOUT = ("altcraft:requestTimeoutSeconds", "ALTCRAFT_REQUEST_TIMEOUT_SECONDS", 30.0)
# How long a write that got no answer may still land (provider.client waits that long for it).
WRITE_SETTLE = ("altcraft:writeSettleSeconds", "ALTCRAFT_WRITE_SETTLE_SECONDS", 60.0)
# The campaigns file of a stack: config key (in the project's namespace) and default.
CAMPAIGNS_FILE_KEY, DEFAULT_CAMPAIGNS_FILE = "campaignsFile", "campaigns.yaml"
# The most calls one run may send (stack config; the environment overrides it for one run). 0: no limit.
MAX_CHANGES = ("altcraft:maxChanges", "ALTCRAFT_MAX_CHANGES", 25)
# How far Altcraft's clock may be from this machine's in a run that reads windows (provider.clock);
# the environment overrides it for one run. More than an hour would start and stop campaigns an
# hour off: refused.
MAX_CLOCK_SKEW = ("altcraft:maxClockSkewSeconds", "ALTCRAFT_MAX_CLOCK_SKEW_SECONDS", 300)
MAX_CLOCK_SKEW_CEILING = 3600
# Every entry must carry a name guard (`name:`), checked on the whole file before any call. Stack
# config only: a mandatory rule that a variable can switch off for one run is advisory. Unset, it
# is on for the stacks whose name starts with PRODUCTION_PREFIX.
REQUIRE_NAME_GUARDS_KEY = "altcraft:requireNameGuards"
PRODUCTION_PREFIX = "prod"


class SettingsError(UserFacingError):
    """Altcraft's URL or token is missing or unusable."""


@dataclass(frozen=True)
class Settings:
    url: str
    token: str = field(repr=False)
    retry_budget_s: float = RETRY_BUDGET[2]
    request_timeout_s: float = REQUEST_TIMEOUT[2]
    write_settle_s: float = WRITE_SETTLE[2]
    url_source: str = URL_KEY  # which setting chose the URL, for messages: altcraft:url or ALTCRAFT_URL

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
        url_source = URL_KEY if configured_url else URL_ENV
        try:
            url = normalize_base_url(url)
        except ValueError as exc:
            raise SettingsError(f"{url_source}: {exc}") from None
        return cls(
            url=url,
            token=token,
            retry_budget_s=_seconds(RETRY_BUDGET, config_get, environ, minimum=0.0),
            request_timeout_s=_seconds(REQUEST_TIMEOUT, config_get, environ, minimum=0.1),
            write_settle_s=_seconds(WRITE_SETTLE, config_get, environ, minimum=0.0),
            url_source=url_source,
        )

    def client(self) -> AltcraftClient:
        """A client with these settings' timeouts and retry budget."""
        return AltcraftClient(
            self.url,
            self.token,
            timeout=(min(5.0, self.request_timeout_s), self.request_timeout_s),
            retry=RetryPolicy(budget_s=self.retry_budget_s),
            write_settle_s=self.write_settle_s,
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


def _seconds(
    setting: tuple[str, str, float],
    config_get: Callable[[str], str | None],
    environ: Mapping[str, str],
    minimum: float,
) -> float:
    key, env, default = setting
    raw = config_get(key) or environ.get(env)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = minimum - 1
    if not value >= minimum:  # also refuses NaN
        raise SettingsError(f"{key} (or {env}) must be a number of seconds >= {minimum:g}, got {raw!r}")
    return value


def max_changes(config_get: Callable[[str], str | None], environ: Mapping[str, str]) -> tuple[int, str]:
    """The limit on calls per run, and the setting that chose it."""
    return _guard(MAX_CHANGES, config_get, environ, 0, None, "a whole number of calls >= 0 (0: no limit)")


def max_clock_skew(config_get: Callable[[str], str | None], environ: Mapping[str, str]) -> tuple[int, str]:
    """Seconds Altcraft's clock may be from this machine's in a run that reads windows, and the setting."""
    ceiling = MAX_CLOCK_SKEW_CEILING
    return _guard(MAX_CLOCK_SKEW, config_get, environ, 1, ceiling, f"a whole number of seconds from 1 to {ceiling}")


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
    setting: tuple[str, str, int],
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
    key, env, default = setting
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


def changed_since(saved: Mapping[str, Any] | None, config_get: Callable[[str], str | None]) -> list[str]:
    """The settings that choose the account (URL, token) whose stack config differs from `saved`.

    `saved` is the config Pulumi saved at the last deployment (None: never deployed). A token
    kept in ALTCRAFT_TOKEN is read at call time, so only config keys can go stale.
    """
    if saved is None:
        return []
    return [key for key in (URL_KEY, TOKEN_KEY) if _plain(key, saved.get(key)) != _plain(key, config_get(key))]


def _plain(key: str, value: object) -> str | None:
    """A setting as it acts: blanks stripped, and a URL as the address it means (`.../api/` is
    `.../api/v1.1`), so writing the same address another way is no change."""
    text = (value.strip() or None) if isinstance(value, str) else None
    if key == URL_KEY and text:
        try:
            return normalize_base_url(text)
        except ValueError:
            return text
    return text
