"""Minimal program that exercises the toolchain; the campaigns program replaces it."""

import pulumi

from provider.noop import Noop

smoke = Noop("toolchain-smoke", key="smoke", value=pulumi.Config().get("value") or "hello")
pulumi.export("value", smoke.value)
