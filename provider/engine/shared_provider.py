"""What both dynamic providers (campaigns, removal records) are: pickled empty, on the process's runtime."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import ConfigureRequest, ResourceProvider

from provider.engine import runtime, workarounds


class SharedRuntimeProvider(ResourceProvider):
    """Pickles to an empty state (no URL, token, session or lock: nothing secret, so the state need
    not encrypt it), and joins the process's runtime for the stack config in `configure()`, which
    the provider process calls once before the first operation (`provider.engine.runtime`)."""

    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._setup()

    def _setup(self) -> None:
        workarounds.install_in_provider()
        self._runtime: runtime.Runtime | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._setup()

    def configure(self, req: ConfigureRequest) -> None:
        self._runtime = runtime.shared(req.config.get)

    def joined(self, shared: runtime.Runtime) -> SharedRuntimeProvider:
        """This provider on an existing runtime."""
        self._runtime = shared
        return self

    @property
    def runtime(self) -> runtime.Runtime:
        if self._runtime is None:  # never configured: the environment alone
            self._runtime = runtime.Runtime()
        return self._runtime
