"""PEPPOL BIS Billing 3.0: UBL documents, their official validation, the Pagero client,
the send queue and the local Pagero stand-in. Nothing here imports Qt."""
