"""``python -m socialpulse.cli``: the same command as ``pulse``."""

from socialpulse.cli import run

run()
