"""The PostgreSQL driver is loaded only when a PostgreSQL database is opened."""
import subprocess
import sys

from tests.factories import REPO

SCRIPT = """
import sys
from decimal import Decimal
from kassa.models import Customer, Invoice, connection
assert "psycopg" not in sys.modules, "psycopg imported with the models"
connection.connect(sys.argv[1])
from tests.factories import make_company
from kassa.invoicing import issue_invoice
from kassa.money import LineInput
make_company()
cust = Customer.create(number=1, name="A", org_number="5566778899", reference="r")
print(issue_invoice(cust, [LineInput("a", Decimal("1"), Decimal("10.00"), 25)]).number)
"""


def test_sqlite_start_does_not_import_psycopg_and_postgresql_still_works(pg_url):
    out = subprocess.run([sys.executable, "-c", SCRIPT, pg_url], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1"]
