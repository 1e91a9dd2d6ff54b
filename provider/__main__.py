"""`python -m provider`: the same command as the `altcraft-campaigns` console script (provider.cli)."""

from provider.cli import main

main()
