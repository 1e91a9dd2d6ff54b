"""Where the provider finds Altcraft: stack config first, then the environment.

`altcraft:url` / ALTCRAFT_URL and the secret `altcraft:token` / ALTCRAFT_TOKEN. The token is kept
out of repr() so it cannot reach a log or an error message by accident.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from provider.client import AltcraftClient, normalize_base_url
from provider.errors import UserFacingError
from provider.retry import RetryPolicy

URL_KEY, TOKEN_KEY = "altcraft:url", "altcraft:token"
URL_ENV, TOKEN_ENV = "ALTCRAFT_URL", "ALTCRAFT_TOKEN"
# Optional tuning: (config key, environment variable, default seconds)
RETRY_BUDGET = ("altcraft:retryBudgetSeconds", "ALTCRAFT_RETRY_BUDGET_SECONDS", 60.0)
REQUEST_TIMEOUT = ("altcraft:requestTimeoutSeconds", "ALTCRAFT_REQUEST_TIMEOUT_SECONDS", 30.0)


class SettingsError(UserFacingError):
    """Altcraft's URL or token is missing or unusable."""


@dataclass(frozen=True)
class Settings:
    url: str
    token: str = field(repr=False)
    retry_budget_s: float = RETRY_BUDGET[2]
    request_timeout_s: float = REQUEST_TIMEOUT[2]

    @classmethod
    def from_sources(cls, config_get: Callable[[str], str | None], environ: Mapping[str, str]) -> Settings:
        url = config_get(URL_KEY) or environ.get(URL_ENV)
        token = config_get(TOKEN_KEY) or environ.get(TOKEN_ENV)
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
        try:
            url = normalize_base_url(url)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        return cls(
            url=url,
            token=token,
            retry_budget_s=_seconds(RETRY_BUDGET, config_get, environ, minimum=0.0),
            request_timeout_s=_seconds(REQUEST_TIMEOUT, config_get, environ, minimum=0.1),
        )

    def client(self) -> AltcraftClient:
        """A client with these settings' timeouts and retry budget."""
        return AltcraftClient(
            self.url,
            self.token,
            timeout=(min(5.0, self.request_timeout_s), self.request_timeout_s),
            retry=RetryPolicy(budget_s=self.retry_budget_s),
        )


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
