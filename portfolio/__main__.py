"""`python -m portfolio`: the same command as the `portfolio` console script."""

import sys

from portfolio.cli import main

sys.exit(main())
