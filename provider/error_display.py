"""Show expected provider failures without a Python traceback.

Pulumi's dynamic-provider host (`python -m pulumi.dynamic`) wraps every call in
`_abort_with_traceback`, which sends `traceback.format_exc()` to the CLI for any exception. For a
user that means twenty lines of our internals around a message like "campaign 999 does not exist".
The wrapper looks `traceback` up in its module globals at call time, so we give it a stand-in
whose `format_exc()` returns just the message for `UserFacingError`, and the real traceback for
everything else (bugs stay debuggable).
"""

from __future__ import annotations

import sys
import traceback
from typing import Any

from provider.errors import UserFacingError


class _MessageOnlyForExpectedErrors:
    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)

    def format_exc(self, *args: Any, **kwargs: Any) -> str:
        error = sys.exc_info()[1]
        if isinstance(error, UserFacingError):
            return str(error)
        return traceback.format_exc(*args, **kwargs)


def install() -> None:
    """Patch the dynamic-provider host if this process is one; a no-op anywhere else."""
    host = sys.modules.get("__main__")
    if host is not None and hasattr(host, "_abort_with_traceback") and hasattr(host, "traceback"):
        host.traceback = _MessageOnlyForExpectedErrors()  # type: ignore[attr-defined]
