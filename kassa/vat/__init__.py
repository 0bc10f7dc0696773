"""VAT beyond the plain domestic sale (vat.md): dated rates, categories with their reasons and
texts, buyers abroad, and invoices in other currencies. No Qt here."""
