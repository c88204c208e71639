"""Feature controllers: pane intents in, service calls out, results back onto the panes.

One class per feature, each built by vvdesk/app.py (`SessionControllers`) with what it
needs as typed arguments. Every signal connection goes through a `Links`, so tearing a
session down (profile switch, quit) undoes them all and nothing of the old session fires.
"""
