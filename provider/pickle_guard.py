"""Work around Pulumi's RecursionError after ~970 dynamic resources in one program.

`pulumi.dynamic.serialize_provider` wraps `pickle._Pickler._batch_setitems` in a sorting wrapper
on every call and never restores it, so each dynamic resource adds one more wrapper frame to
every later dict pickle, until pickling exceeds the recursion limit (around 970 resources for a
provider class in a module; ../shared/pulumi-dynamic-providers.md section 5). Each of our
resources restores the original before it is serialized, so the chain never grows.
"""

import pickle

# Captured when this module is first imported, before any dynamic resource exists.
_ORIGINAL_BATCH_SETITEMS = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]


def restore_pickler() -> None:
    """Call at the top of a dynamic Resource's __init__, before super().__init__."""
    pickle._Pickler._batch_setitems = _ORIGINAL_BATCH_SETITEMS  # type: ignore[attr-defined]
