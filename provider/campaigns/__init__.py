"""Layer 1, the campaigns file: loading and validating it, its options, its dates, its name guards.

No network and no Pulumi: everything here works on text and values alone.
"""
