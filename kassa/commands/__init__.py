"""The command line, one module per command (`configure(parser)`, `run(args) -> int`)."""
