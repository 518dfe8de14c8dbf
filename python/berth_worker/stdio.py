"""Keep the protocol pipes away from the user's code.

The host talks to the worker over fd 0 (requests) and fd 1 (responses). A ``print()`` in an
entry script, a C library writing to stdout, or a child process inheriting fd 1 must never land
in the middle of a frame, and nothing may read frames meant for the worker from ``sys.stdin``.
So at start-up the worker takes private, non-inheritable duplicates of fds 0 and 1 for the
protocol, points fd 1 at stderr (which the host copies to the replica log line by line), and
points fd 0 at ``/dev/null``.
"""

import os
import sys


def take_protocol_fds():
    """Return ``(read_fd, write_fd)`` for the protocol and rewire fds 0 and 1 for user code."""
    try:
        sys.stdout.flush()
    except (AttributeError, ValueError, OSError):
        pass
    proto_in = os.dup(0)  # os.dup makes the new fd non-inheritable
    proto_out = os.dup(1)
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    return proto_in, proto_out
