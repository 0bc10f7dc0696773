"""Pagero: the API client, the OAuth login, the keyring that keeps its tokens, their errors,
the connector the settings wizard and `kassa pagero` use, and the local stand-in server
(`kassa.pagero.sandbox`). Nothing here imports Qt. See docs/architecture.md."""
