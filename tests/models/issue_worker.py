"""A till in its own process: issues N invoices against the database at URL as fast as it can.

Used by the concurrency tests; prints the numbers it got, one per line.
"""
import sys
from decimal import Decimal

from kassa.invoicing import issue_invoice
from kassa.models import Customer, connection
from kassa.money import LineInput


def main(url: str, count: int, till: str) -> None:
    connection.connect(url, migrate=False)
    customer = Customer.get(Customer.number == 1)
    for i in range(count):
        inv = issue_invoice(customer, [LineInput(f"Vara {i}", Decimal("1"), Decimal("10.00"), 25)], till=till)
        print(inv.number, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
