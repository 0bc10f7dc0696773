"""What goes wrong with a rule pack or a document; every ``str()`` is Swedish."""
from __future__ import annotations

NOT_INSTALLED_MESSAGE = (
    "Den officiella valideringen (regelpaketet) är inte installerad, så e-fakturor kontrolleras "
    "bara med Kassas egna kontroller innan de skickas. Installera regelpaketet under Inställningar → "
    "Valideringsregler (e-faktura) i Kassa, eller med ”kassa rules install KÄLLA”, där KÄLLA är en mapp "
    "eller zip-fil med UBL 2.1-schemana, "
    "CEN EN 16931-reglerna och Peppol BIS Billing 3.0-reglerna (mappar som ubl-2.1-xsd, "
    "cen-1.3.16 och peppol-3.0.21), eller peka ut en sådan mapp med miljövariabeln KASSA_RULES_DIR."
)


class RulePackError(Exception):
    """The rule pack is missing, incomplete or cannot be compiled. ``str()`` is Swedish."""


class DocumentError(ValueError):
    """The document is not XML and cannot be validated. ``str()`` is Swedish."""
