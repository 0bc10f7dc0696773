"""The local Pagero stand-in (`kassa sandbox`): the HTTP server (`server`) and its state (`state`)."""
