"""Layer 2, Altcraft's campaigns API: the client, its transport, retries, clock and the live view.

No Pulumi, and no setting names: the settings layer tells the client which keys chose its values.
"""
