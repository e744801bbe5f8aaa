"""``python -m mmdreg``: the same as the ``mmdreg`` command."""
import sys

from .cli import main

sys.exit(main())
