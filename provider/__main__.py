"""`python -m provider`: the command line, kept for workflows copied before 0.15 (they ran
`python -m provider summary`). New scripts use `altcraft-campaigns` or `python -m provider.cli`."""

from provider.cli import main

main()
