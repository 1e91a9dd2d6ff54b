"""altcraft-campaigns: a Pulumi dynamic provider for the on/off state of Altcraft campaigns.

Layers, each importing only from those before it (docs/development/architecture.md draws them):

    errors      the one error tree
    campaigns   1. the campaigns file: loading, options, dates, name guards
    altcraft    2. Altcraft's API: client, transport, retries, clock, live view
    settings    3. every setting and where it is read
    planning    4. what `pulumi up` would do: plan, review, lines, record, limits, siblings
    engine      5. everything that imports pulumi: program, provider, checkpoint, workarounds
    cli         5. the command line (check, export, summary, adopt-drift, history); no pulumi import
"""
