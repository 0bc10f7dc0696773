"""The command line: one module per command of `kassa …` (see kassa/cli.py and docs/architecture.md).

Each module has ``configure(parser)`` and ``run(args) -> int``. A command that cannot do its
work raises ``kassa.commands.base.CommandError`` with the exit code; kassa/cli.py prints its
message and exits with that code, in one place.
"""
