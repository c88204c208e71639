"""vvdesk: a desktop client for VideoVector media archives."""

__version__ = "0.1.0"
