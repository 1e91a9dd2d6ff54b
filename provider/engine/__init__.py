"""Layer 5, everything that imports `pulumi`: the program, the dynamic provider and its resource,
the checkpoint reader, the settings a refresh reuses, and the workarounds for the SDK.
"""
