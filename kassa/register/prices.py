"""Price and setting changes, journalled where they are made (SKVFS 2014:9: the price list is
retrievable and its changes are in the journal; so are changes to settings)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from kassa import config
from kassa.models import Article
from kassa.models.database import write_transaction
from kassa.register import events, journal
from kassa.vat.rates import VatGroupError, article_rate

WATCHED = ("name", "price", "price_includes_vat", "vat_group_id", "is_service", "active")


def save_article(article: Article, till: str | None = None) -> Article:
    """Save `article`; a new article, or a change to its price, VAT group, name or kind, goes to this
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
                "vat_rate": _rate_today(article), "vat_group": article.vat_group_id,
                "price_includes_vat": article.price_includes_vat,
                "changed": sorted(changed), "new": before is None,
            })
    return article


def _rate_today(article: Article) -> int | None:
    """The VAT rate of the article's group today (None when its group has none in force)."""
    try:
        return article_rate(article, dt.date.today()).rate
    except VatGroupError:
        return None


def journal_setting(setting: str, old: Any, new: Any, till: str | None = None) -> None:
    """Record a changed setting (the till's designation, the control unit, the company's details …)."""
    if old == new:
        return
    with write_transaction():
        journal.append(till or config.till_designation(), events.SETTING_CHANGED,
                       {"setting": setting, "old": None if old is None else str(old), "new": str(new)})
