"""Ids from the server, made safe to put in a request path.

The SDK writes ids into its paths as they are (`f"/exports/{export_id}"`), so an id such as
`../../x` or `a/b?c` would change which endpoint is asked (httpx resolves dot-segments).
Every id vvdesk hands the SDK for a path, or puts in a path itself, goes through
`in_path`: percent-escaped as one segment, dots of a `.`/`..` segment escaped too.
"""

from __future__ import annotations

from urllib.parse import quote

from vvdesk.api.errors import ProblemKind, UserFacingError


def in_path(value: str) -> str:
    """`value` as exactly one URL path segment (unchanged for ordinary ids)."""
    text = quote(str(value), safe="")
    if text.strip(".") == "":  # "", ".", "..", "...": no segment may vanish or climb
        if not text:
            raise UserFacingError("The server sent an item without an id, so it cannot be "
                                  "opened. Refresh the list and try again.",
                                  ProblemKind.BAD_RESPONSE)
        text = text.replace(".", "%2E")
    return text
