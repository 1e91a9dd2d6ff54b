"""The dynamic provider as the engine drives it: configured with stack config, given gRPC-shaped inputs."""

from __future__ import annotations

from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from provider.engine import runtime
from provider.engine.campaign_provider import CampaignProvider
from tests.support.stand_in import TOKEN


def configured(url: str, token: str = TOKEN) -> CampaignProvider:
    """The provider of a new provider process (a new runtime: a fresh listing, an unused budget)."""
    runtime.forget_all()
    provider = CampaignProvider()
    config = Config({"altcraft:url": url, "altcraft:token": token}, project_name="altcraft-campaigns")
    provider.configure(ConfigureRequest(config))
    return provider


def props(campaign_id: int, active: bool, **extra) -> dict:
    # Numbers arrive as floats over gRPC.
    return {"campaign_id": float(campaign_id), "active": active, "on_remove": "retain", **extra}


_REVIEWS = iter(range(1, 1_000_000))  # a plan id of its own for each


def planned(start: str, *calls: str, to: str, cause: str = "change") -> dict:
    """A `plan` input as this run's review writes it (each with a review id of its own)."""
    from provider.planning.plan import PLAN_KEY, CampaignPlan

    return {PLAN_KEY: CampaignPlan(f"{next(_REVIEWS):016x}", start, calls, to, cause).to_input()}
