"""`python -m provider.cli`: the same command as the `altcraft-campaigns` console script."""

from provider.cli import main

main()
