"""Finding a customer as the cashier types: name prefix, customer number, org. number prefix.

Every query is a range on an indexed column (name_key, number, org_number) with a LIMIT, so it
costs the same with 100 or 100,000 customers. `LIKE '%text%'` would read the whole table.
"""
from __future__ import annotations

from kassa.models import Customer

MAX_CHAR = chr(0x10FFFF)


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`.

    The last character is bumped by one rather than appending U+FFFF: that bound is exact in
    SQLite's binary order and in PostgreSQL collations that ignore noncharacters like U+FFFF.
    """
    last = prefix[-1]
    if last == MAX_CHAR:
        return prefix + MAX_CHAR
    return prefix[:-1] + chr(ord(last) + 1)


def _prefix(field, prefix: str):
    return (field >= prefix) & (field < prefix_upper_bound(prefix))


def search_customers(text: str, limit: int = 50) -> list[Customer]:
    """Active customers matching `text`, best first: the exact customer number, then names
    starting with the text, then org. numbers starting with its digits. At most `limit`."""
    text = (text or "").strip()
    if not text or limit <= 0:
        return []
    found: dict[int, Customer] = {}

    def add(query) -> None:
        for customer in query:
            if len(found) >= limit:
                return
            found.setdefault(customer.id, customer)

    active = Customer.active == True  # noqa: E712 (peewee expression)
    digits = "".join(ch for ch in text if ch.isdigit())
    number_like = digits and all(ch.isdigit() or ch in "- " for ch in text)
    if number_like and len(digits) <= 18:
        add(Customer.select().where(active & (Customer.number == int(digits))))
    key = text.casefold()
    # The Python check keeps the prefix meaning exact under a linguistic PostgreSQL collation,
    # where the range can admit a name that differs only in punctuation.
    add(c for c in Customer.select().where(active & _prefix(Customer.name_key, key))
        .order_by(Customer.name_key, Customer.number).limit(limit) if c.name_key.startswith(key))
    if number_like and len(found) < limit:
        add(Customer.select().where(active & _prefix(Customer.org_number, digits))
            .order_by(Customer.org_number, Customer.number).limit(limit))
    return list(found.values())
