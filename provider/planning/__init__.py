"""Layer 4, what `pulumi up` would do: the plan for each campaign, the review of the whole file, the
review's lines, the resource's record, the change limit and sibling stacks.

No I/O and no Pulumi: the program and the provider hand it live campaigns and recorded outputs.
"""
