"""Local, self-contained VideoVector API sandbox.

A faithful offline stand-in for the public ``/api/v2`` surface so the official SDK
and the desktop client can be exercised without the real service. It imports
nothing from the rest of vvdesk on purpose: the client must not be able to lean on
server internals.
"""
