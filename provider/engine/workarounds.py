"""Where Pulumi's Python SDK misbehaves for this project, and the patch for each: the one place.

Nothing here acts on import. The program calls `install_in_program()` once before it registers a
resource, each resource calls `before_registering()`, and the provider calls
`install_in_provider()` when it comes to life in the dynamic-provider host. Each patch says what
it works around and when it can go; each is checked by a test that fails without it.

1. **The pickler's recursion** (`before_registering`). `pulumi.dynamic.serialize_provider` wraps
   `pickle._Pickler._batch_setitems` in a sorting wrapper on every call and never restores it, so
   each dynamic resource adds one wrapper frame to every later dict pickle, until pickling passes
   the recursion limit (around 970 resources whose provider class lives in a module). We restore
   the original before each resource is serialized, so the chain never grows.
   Can go when the SDK restores the pickler itself (`serialize_provider` in
   sdk/python/lib/pulumi/dynamic/dynamic.py; still so in 3.260; tests/integration/test_many_resources.py).
2. **The Python stack in every resource's state** (`install_in_program`). The SDK sends, with each
   registration, the whole Python stack below the resource's constructor (runpy, asyncio, SDK
   frames): the engine stores it as `stackTrace` plus a `sourcePosition`, about 1.3 KB a resource,
   more than the campaign records itself. All campaigns come from the same line, so the trace
   tells nobody anything: we send an empty one, which the engine accepts (the SDK sends one itself
   when it cannot find the constructor's frame). Can go when the SDK offers a way to turn source
   positions off (`_get_stack_trace` in sdk/python/lib/pulumi/runtime/resource.py; measured by
   `make bench`, state bytes per campaign).
3. **A traceback around every expected provider error** (`install_in_provider`). The dynamic
   provider host (`python -m pulumi.dynamic`) wraps every call in `_abort_with_traceback`, which
   sends `traceback.format_exc()` to the CLI for any exception: twenty lines of our internals
   around "campaign 999 does not exist". The wrapper looks `traceback` up in its module globals at
   call time, so we give it a stand-in whose `format_exc()` returns the message alone for a
   `UserFacingError` and the real traceback for anything else (bugs stay debuggable). Can go when
   the host shows an error's message without its traceback for an expected failure
   (`_abort_with_traceback` in sdk/python/lib/pulumi/dynamic/__main__.py).
"""

from __future__ import annotations

import pickle
import sys
import traceback
from typing import Any

from pulumi.runtime import resource as _sdk_resource
from pulumi.runtime.proto import source_pb2

from provider.errors import UserFacingError

# Captured when this module is first imported, before any dynamic resource exists.
_ORIGINAL_BATCH_SETITEMS = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]


def install_in_program() -> None:
    """Once, before the program registers its first resource. Idempotent."""
    _sdk_resource._get_stack_trace = _no_stack_trace


def before_registering() -> None:
    """At the top of a dynamic Resource's __init__, before it is serialized (patch 1)."""
    pickle._Pickler._batch_setitems = _ORIGINAL_BATCH_SETITEMS  # type: ignore[attr-defined]


def install_in_provider() -> None:
    """When a provider comes to life; patches the dynamic-provider host if this process is one, and
    is a no-op anywhere else (the program builds a provider too, to serialize it). Idempotent."""
    host = sys.modules.get("__main__")
    if host is not None and hasattr(host, "_abort_with_traceback") and hasattr(host, "traceback"):
        host.traceback = _MessageOnlyForExpectedErrors()  # type: ignore[attr-defined]


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


class _MessageOnlyForExpectedErrors:
    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)

    def format_exc(self, *args: Any, **kwargs: Any) -> str:
        error = sys.exc_info()[1]
        if isinstance(error, UserFacingError):
            return str(error)
        return traceback.format_exc(*args, **kwargs)
