"""`python -m store COMMAND ...`: see store/cli.py."""
import sys

from store.cli import main

sys.exit(main())
