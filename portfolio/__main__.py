"""`python -m portfolio`: the same command as the `portfolio` console script."""

from portfolio.cli import console

console()
