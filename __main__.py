"""Campaigns as code: one Pulumi resource per campaign in the campaigns file (see provider/program.py)."""

from provider.engine.program import run

run()
