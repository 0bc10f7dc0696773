"""The keyboard order of a window: Tab follows what the eye reads, and a window opens in its first input.

Qt's focus chain follows the order in which widgets got their parent, which is not the order they
are laid out in (a field made before the form it is put in comes first; a ValidatedLineEdit made
without a parent comes last). `order_tabs` sets the chain from the layouts instead: forms row by
row, grids row by row and column by column, boxes in their direction, group boxes and plain
containers as one block. `prepare_keyboard` does that and puts the focus in the first input, so a
cashier can start typing at once and a space never presses a button.
"""
from __future__ import annotations

from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextEdit,
    QWidget,
)

# What a person types into or chooses in; buttons are not inputs.
INPUT_TYPES = (QLineEdit, QAbstractSpinBox, QComboBox, QCheckBox, QRadioButton, QTextEdit, QPlainTextEdit,
               QAbstractItemView)

_FORM_ROLES = (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole, QFormLayout.ItemRole.SpanningRole)
_REVERSED = (QBoxLayout.Direction.RightToLeft, QBoxLayout.Direction.BottomToTop)


def is_input(widget: QWidget) -> bool:
    """Whether `widget` (or the widget it hands its focus to) takes typing or a choice."""
    target = widget.focusProxy() or widget
    if isinstance(target, QLineEdit) and isinstance(target.parentWidget(), (QAbstractSpinBox, QComboBox)):
        return False  # the inside of a spin box or an editable combo box: the outer widget counts
    return isinstance(target, INPUT_TYPES)


def _is_container(widget: QWidget) -> bool:
    return widget.focusProxy() is None and widget.focusPolicy() == Qt.FocusPolicy.NoFocus


def _layout_items(layout: QLayout) -> list[QLayoutItem]:
    if isinstance(layout, QFormLayout):
        items = []
        for row in range(layout.rowCount()):
            for role in _FORM_ROLES:
                item = layout.itemAt(row, role)
                if item is not None:
                    items.append(item)
        return items
    items = [item for i in range(layout.count()) if (item := layout.itemAt(i)) is not None]
    if isinstance(layout, QGridLayout):
        cells: list[tuple[tuple[int, ...], QLayoutItem]] = []
        for i in range(layout.count()):
            position = cast(tuple[int, int, int, int], layout.getItemPosition(i))  # row, column, spans
            item = layout.itemAt(i)
            if item is not None:
                cells.append((position[:2], item))
        return [item for _, item in sorted(cells, key=lambda cell: cell[0])]
    if isinstance(layout, QBoxLayout) and layout.direction() in _REVERSED:
        items.reverse()
    return items


def _collect_layout(layout: QLayout | None, found: list[QWidget]) -> None:
    if layout is None:
        return
    for item in _layout_items(layout):
        if (widget := item.widget()) is not None:
            _collect_widget(widget, found)
        else:
            _collect_layout(item.layout(), found)


def _collect_widget(widget: QWidget | None, found: list[QWidget]) -> None:
    if widget is None:
        return
    if isinstance(widget, QSplitter):
        for index in range(widget.count()):
            _collect_widget(widget.widget(index), found)
    elif isinstance(widget, QTabWidget):  # the tabs, then each page (a hidden page is skipped by Tab)
        _collect_widget(widget.tabBar(), found)
        for index in range(widget.count()):
            _collect_widget(widget.widget(index), found)
    elif isinstance(widget, QScrollArea):
        _collect_widget(widget.widget(), found)
    elif _is_container(widget):
        _collect_layout(widget.layout(), found)
    elif widget not in found:
        found.append(widget)


def widgets_in_layout_order(root: QWidget) -> list[QWidget]:
    """The focusable widgets of `root`, in the order its layouts show them."""
    found: list[QWidget] = []
    _collect_layout(root.layout(), found)
    return found


def _focus_target(widget: QWidget) -> QWidget:
    # setTabOrder ignores a widget without a focus policy of its own: hand it the focus proxy instead.
    # (A wrapper with a proxy is best given a policy, as ValidatedLineEdit is: Tab onto the wrapper's
    # own place in the chain focuses its proxy, so that place must be in order too.)
    while widget.focusPolicy() == Qt.FocusPolicy.NoFocus and (proxy := widget.focusProxy()) is not None:
        widget = proxy
    return widget


def order_tabs(root: QWidget) -> list[QWidget]:
    """Make Tab follow the layout order inside `root`; returns that order."""
    order = widgets_in_layout_order(root)
    targets = [_focus_target(widget) for widget in order]
    for first, second in zip(targets, targets[1:], strict=False):
        QWidget.setTabOrder(first, second)
    if len(targets) > 1 and root.isWindow():
        # A closed ring: after the last comes the first. Only for a whole window: inside a part of one
        # (a wizard page) the ring would put the window's other widgets (the wizard's buttons) right
        # after the first field, since setTabOrder moves the first behind the last.
        QWidget.setTabOrder(targets[-1], targets[0])
    return order


def first_input(root: QWidget, order: list[QWidget] | None = None) -> QWidget | None:
    """The first input a person can type into (shown, enabled, not read-only); failing that, the first
    input at all (a read-only text or a list, whose arrow keys scroll)."""
    inputs = [widget for widget in (order if order is not None else widgets_in_layout_order(root))
              if is_input(widget) and widget.isVisibleTo(root) and (widget.focusProxy() or widget).isEnabled()]
    for widget in inputs:
        target = widget.focusProxy() or widget
        if not (isinstance(target, (QLineEdit, QTextEdit, QPlainTextEdit)) and target.isReadOnly()):
            return widget
    return inputs[0] if inputs else None


def prepare_keyboard(root: QWidget) -> QWidget | None:
    """Tab in layout order and the focus in the first input (its text selected, as after a Tab)."""
    order = order_tabs(root)
    widget = first_input(root, order)
    if widget is not None:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
    return widget
