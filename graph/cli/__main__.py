"""`python -m graph.cli`: the `repofolio` command."""

import sys

from graph.cli.main import main

sys.exit(main())
