"""Keep the Python stack out of every resource's state.

Pulumi's Python SDK sends, with each resource registration, the whole Python stack below the
resource's constructor: runpy, asyncio and SDK frames, each with a long relative path. The engine
stores it in the state as `stackTrace` plus a `sourcePosition`, about 1.3 KB per resource in
`pulumi stack export`: more than everything a campaign itself records, in a state the file backend
rewrites after every step. All our campaigns come from the same line of __main__.py, so the trace
tells nobody anything; we send an empty one. (The engine accepts that: it is what the SDK itself
sends when it cannot find the constructor's frame.)
"""

from __future__ import annotations

from pulumi.runtime import resource as _sdk_resource
from pulumi.runtime.proto import source_pb2


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


def install() -> None:
    """Idempotent; affects resources registered by this process from now on."""
    _sdk_resource._get_stack_trace = _no_stack_trace
