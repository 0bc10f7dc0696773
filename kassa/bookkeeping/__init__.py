"""After the sale: the account plan, the accountant's SIE file, payments from Bankgirot, reminders.

Qt-free. Modules:

- ``accounts``: the account plan, BAS defaults the company can change (stored in the database).
- ``vouchers``: a voucher and its transactions; ``day_vouchers`` reads the register's stored Z
  reports (kassa.register.figures.DayFigures) and books each as the day's voucher;
  ``ledger_vouchers`` does invoices, credit notes, payments and reminders.
- ``sie`` writes SIE 4I records with their #KSUMMA; ``sie_export`` collects a period's vouchers.
- ``bgmax`` reads Bankgirot's BgMax files strictly; ``payments`` stores and places the payments;
  ``receivables`` derives an invoice's state (paid, partly paid, unpaid, overdue).
- ``interest`` (räntelagen) and ``reminders`` (betalningspåminnelser), ``reminder_document``
  their printable text.
"""
