"""The official validation of UBL documents: a rule pack of schema and Schematron rules.

A rule pack is a directory the user installs (``kassa rules install``) or points to with
KASSA_RULES_DIR. It holds three parts, each in a folder named after its release, found by
pattern so that a new release is a new pack and never a code change:

- ``ubl-<version>-xsd/maindoc/UBL-Invoice-*.xsd`` and ``UBL-CreditNote-*.xsd``: the schemas,
  run with lxml and chosen by the document's root namespace;
- ``cen-<version>/EN16931-UBL-validation.xslt``: the CEN EN 16931 rules, compiled Schematron;
- ``peppol-<version>/PEPPOL-EN16931-UBL.xslt``: the Peppol BIS Billing 3.0 rules.

The XSLTs are XSLT 2.0, so they run with SaxonC (saxonche). SaxonC holds Python's GIL for a
whole compile (about a second) and for every transform, and its native heap takes some 200 MB,
so they run in a helper process (``kassa.peppol.rules.worker``): it compiles once, on first use
or from ``warm_up()`` (which the application calls from a background thread after its first
paint), and runs each document while this process checks the schemas with lxml and reads the
SVRL reports into findings. One helper for both stylesheets is the default: a till's memory
matters more than the 12 ms a second helper saves per invoice. ``KASSA_RULES_WORKERS=2`` runs
one helper per stylesheet, the two in parallel (a sending server with memory to spare). Helpers
are reused, restarted once if one died, and stopped at exit (or exit themselves when this
process is gone). ``KASSA_RULES_ENGINE=inline`` (or ``RulePack.load(root, engine="inline")``)
runs Saxon in this process instead.

Modules: ``pack`` (a pack on disk, validating, the process's active pack), ``parts`` (the
release folders a pack is made of), ``findings`` (what validation reports), ``helpers`` (the
helper processes), ``protocol`` (their wire format), ``worker`` (a helper's main), ``saxon``
(SaxonC in this process), ``pins`` (the SHA-256 pins of known releases), ``install``
(``kassa rules install``), ``texts`` (Swedish explanations of rules), ``errors``.
"""
