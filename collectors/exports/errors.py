"""The one error an importer raises when an export cannot be read at all.

It lives on its own so the archive reader, the platform importers and the CLI can all name it
without importing the runner, which imports them.
"""

from __future__ import annotations


class ExportError(RuntimeError):
    """The export as a whole cannot be read (missing, not a zip, refused); one line."""
