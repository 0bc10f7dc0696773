"""`kassa install-shortcut [--uninstall]`: the desktop shortcut and menu entry (kassa.shortcut).

Windows and macOS get a clear Swedish message and exit code 2 (EXIT_CANNOT_RUN).
"""
from __future__ import annotations

import argparse

from kassa.commands.base import EXIT_CANNOT_RUN, EXIT_FAILED, EXIT_OK, CommandError
from kassa.shortcut import ShortcutError, ShortcutUnsupported, install_shortcut, uninstall_shortcut


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--uninstall", action="store_true", help="ta bort genvägen, menyposten och ikonen igen"
    )


def run(args: argparse.Namespace) -> int:
    try:
        report = uninstall_shortcut() if args.uninstall else install_shortcut()
    except ShortcutUnsupported as exc:
        raise CommandError(str(exc), EXIT_CANNOT_RUN) from None
    except ShortcutError as exc:
        raise CommandError(str(exc), EXIT_FAILED) from None
    print(report.message())
    return EXIT_OK
