"""What the machine lets a build use, and how the build's processes end with it."""

from __future__ import annotations

import os
import threading
import time


def available_cores() -> int:
    """The cores this process may run on: its CPU affinity (a container or `taskset` may allow
    fewer than the machine has), else the machine's count."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def end_with_parent(parent: int, interval: float = 0.5) -> None:
    """End this process when its parent, `parent`, ends: to be called first in a pool's process.

    A pool's processes wait for work on a pipe they hold open themselves (forked, they have both
    ends), so a parent killed outright (`kill -9`, the out-of-memory killer) would leave them
    waiting, and typesetting, for ever. A thread watches the parent: once this process has
    another parent, it ends at once, as the parent did. The temporary files it leaves are swept
    by the next build, as the parent's are."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="ptce-mono-parent", daemon=True).start()


__all__ = ["available_cores", "end_with_parent"]
