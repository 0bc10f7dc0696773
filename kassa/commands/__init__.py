"""The command line's commands, one module each, with `configure(parser)` and `run(args) -> int`."""
