"""What the ``web`` and ``worker`` commands share: print or exec a command line."""

import os
import shlex
import sys

from ogmonitor.ops.launch import Launch


def print_or_exec(command, launch: Launch, only_print: bool) -> None:
    """Print the warnings, then the command line (``--print``) or become that process."""
    for warning in launch.warnings:
        command.stderr.write(f"Warning: {warning}")
    if only_print:
        command.stdout.write(shlex.join(launch.argv))
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(launch.argv[0], launch.argv)
