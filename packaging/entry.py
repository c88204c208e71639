"""Bundle entry point: the app, or the sandbox when started as `vvdesk -m vvdesk.sandbox`."""

import runpy
import sys

if __name__ == "__main__":
    if sys.argv[1:3] == ["-m", "vvdesk.sandbox"]:
        sys.argv = [sys.argv[0], *sys.argv[3:]]
        runpy.run_module("vvdesk.sandbox", run_name="__main__")
    else:
        from vvdesk.__main__ import main

        sys.exit(main())
