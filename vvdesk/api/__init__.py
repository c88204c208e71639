"""API layer: the official videovector SDK plus the few things it lacks. No Qt here.

Import the SDK only from these modules, and only off the startup path (it costs ~1 s):
the window paints first, the client is built afterwards.
"""
