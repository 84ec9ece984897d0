"""One fuzz target under libFuzzer: `python -m agents.tools.fuzz.main TARGET [CORPUS...] [-flag=value...]`.

The runner (`claimflow fuzz`) starts this once per target; the arguments after the target's name
are libFuzzer's own (corpus folders, `-max_total_time`, `-timeout`, `-rss_limit_mb`, ...).
"""

from __future__ import annotations

import sys


def main() -> None:
    import logging

    import atheris

    # Every dead letter logs an error line: at thousands of inputs a second that is the bottleneck.
    logging.disable(logging.CRITICAL)

    from agents.tools.fuzz.targets import TARGETS, instrumented

    target = TARGETS[sys.argv[1]]
    check = instrumented(target)
    atheris.Setup([sys.argv[0], *sys.argv[2:]], check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
