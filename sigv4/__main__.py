"""``python -m sigv4``: the same command as the ``sigv4`` console script."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
