"""`python -m viz.cli`: the `chainrule` command, run as a module."""

import sys

from . import main

sys.exit(main())
