"""Price and setting changes, journalled where they are made (SKVFS 2014:9: the price list is
retrievable and its changes are in the journal; so are changes to settings)."""
from __future__ import annotations

from typing import Any

from kassa import config
from kassa.models import Article
from kassa.models.database import write_transaction
from kassa.register import events, journal

WATCHED = ("name", "price", "price_includes_vat", "vat_rate", "is_service", "active")


def save_article(article: Article, till: str | None = None) -> Article:
    """Save `article`; a new article, or a change to its price, VAT, name or kind, goes to this
    till's journal in the same transaction (kassa.ui.articles saves through this)."""
    till = till or config.till_designation()
    with write_transaction():
        before = Article.get_or_none(Article.id == article.id) if article.id else None
        changed = {f: getattr(article, f) for f in WATCHED
                   if before is None or getattr(before, f) != getattr(article, f)}
        article.save()
        if changed:
            journal.append(till, events.PRICE_CHANGED, {
                "number": article.number, "name": article.name, "price": str(article.price),
                "old_price": str(before.price) if before is not None and before.price != article.price else None,
                "vat_rate": article.vat_rate, "price_includes_vat": article.price_includes_vat,
                "changed": sorted(changed), "new": before is None,
            })
    return article


def journal_setting(setting: str, old: Any, new: Any, till: str | None = None) -> None:
    """Record a changed setting (the till's designation, the control unit, the company's details …)."""
    if old == new:
        return
    with write_transaction():
        journal.append(till or config.till_designation(), events.SETTING_CHANGED,
                       {"setting": setting, "old": None if old is None else str(old), "new": str(new)})
