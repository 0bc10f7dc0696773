"""Finding an article by its name at the till: the search-as-you-type list under the code field, and
what Enter means when a name was typed.

Enter adds the highlighted hit, or the only article whose name, number or price line contains the
text; with none or several it says so and adds nothing (several: the list opens to choose from with
the arrow keys). A scanner's digits never open the list.
"""
from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from kassa.models import Article
from kassa.money import format_sek


def load_article_index() -> list[tuple[str, int]]:
    """(label, id) of the active articles, for the list (a worker job)."""
    query = (Article.select(Article.id, Article.number, Article.name, Article.price)
             .where(Article.active == True).order_by(Article.name))  # noqa: E712
    return [(f"{a.name} · {a.number} · {format_sek(a.price)} kr", a.id) for a in query]


def looks_like_a_name(text: str) -> bool:
    """Words search the names; digits (a barcode, an article number, 3*code) do not."""
    return any(ch.isalpha() for ch in text) and len(text.strip()) >= 2


class ArticleCompleter(QCompleter):
    """The article list for `field`; labels are "name · number · price kr", one per active article."""

    def __init__(self, field: QLineEdit, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("articleCompleter")
        self.setModel(QStringListModel(self))
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)
        # Not setCompleter(): the popup must not open for a scanner's digits, only for words.
        self.setWidget(field)
        self.ids: dict[str, int] = {}

    def set_articles(self, rows: list[tuple[str, int]]) -> None:
        self.ids = dict(rows)
        model = self.model()
        assert isinstance(model, QStringListModel)
        model.setStringList([label for label, _ in rows])

    def follow(self, text: str) -> None:
        """As the cashier types: the list for a name, nothing for digits."""
        if looks_like_a_name(text):
            self.setCompletionPrefix(text.strip())
            self.complete()
        else:
            self.close_list()

    def close_list(self) -> None:
        popup = self.popup()
        if popup is not None:
            popup.hide()

    def has_chosen_row(self) -> bool:
        """Whether a row of the open list is chosen (Enter then adds that one)."""
        popup = self.popup()
        return popup is not None and popup.isVisible() and popup.currentIndex().isValid()

    def matches(self, text: str) -> list[str]:
        """The labels that contain `text`, in any case (what the list shows for it)."""
        needle = text.strip().casefold()
        return [label for label in self.ids if needle in label.casefold()]
