"""The dynamic provider as the engine drives it: configured with stack config, given gRPC-shaped inputs."""

from __future__ import annotations

from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from provider.engine.campaign_provider import CampaignProvider
from tests.support.stand_in import TOKEN


def configured(url: str, token: str = TOKEN) -> CampaignProvider:
    provider = CampaignProvider()
    config = Config({"altcraft:url": url, "altcraft:token": token}, project_name="altcraft-campaigns")
    provider.configure(ConfigureRequest(config))
    return provider


def props(campaign_id: int, active: bool, **extra) -> dict:
    # Numbers arrive as floats over gRPC.
    return {"campaign_id": float(campaign_id), "active": active, "on_remove": "retain", **extra}
