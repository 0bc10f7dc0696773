"""PEPPOL BIS Billing 3.0: UBL 2.1 documents (`ubl`), the checks a cashier can fix before one is
built (`checks`), and their official validation (`rules`: the rule pack and its helper processes).
Sending is kassa.outbox's, the Pagero connection kassa.pagero's. Nothing here imports Qt."""
