"""A dynamic resource that does nothing but record its inputs.

The engine's own floor in the benchmark (and the toolchain smoke test): the same CLI, language
host and provider process, with no API behind it. Copied into the floor's project as noop.py.
"""

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

from provider.engine import workarounds

# The same state shape as our campaigns, so the engine floor compares like with like.
workarounds.install_in_program()


class NoopProvider(ResourceProvider):
    # Nothing secret is pickled, so the provider needs no encryption in state.
    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=str(props["key"]), outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = olds.get("value") != news.get("value")
        return DiffResult(changes=changed, replaces=[])

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs={**olds, **news})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_=id_, outs=props)


class Noop(Resource, module="noop", name="Noop"):
    """Type token pulumi-python:dynamic/noop:Noop."""

    key: pulumi.Output[str]
    value: pulumi.Output[str]

    def __init__(self, resource_name: str, key: str, value: str, opts: pulumi.ResourceOptions | None = None) -> None:
        workarounds.before_registering()
        super().__init__(NoopProvider(), resource_name, {"key": key, "value": value}, opts)
