"""The Pagero connection: the API client, OAuth and the keyring, the local stand-in, and reading its answers."""
