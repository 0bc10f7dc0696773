"""The register's fixtures: a shop with articles, a control unit of the tests' own, a till with its day open."""
from __future__ import annotations

import pytest

from tests.factories import make_company
from tests.register.shop import ScriptedUnit, make_articles


@pytest.fixture
def shop(db):
    make_company()
    return make_articles()


@pytest.fixture
def unit():
    return ScriptedUnit()


@pytest.fixture
def register(shop, unit):
    """Till kassa-1 with its day open on a float of 500 kr."""
    from kassa.register.service import Register

    till = Register("kassa-1", unit)
    till.open_day("500")
    return till
