"""The official validation of UBL documents: a rule pack of schema and Schematron rules.

A rule pack is a directory the user installs (``kassa rules install``) or points to with
KASSA_RULES_DIR. It holds three parts, each in a folder named after its release, found by
pattern so that a new release is a new pack and never a code change:

- ``ubl-<version>-xsd/maindoc/UBL-Invoice-*.xsd`` and ``UBL-CreditNote-*.xsd``: the schemas,
  run with lxml and chosen by the document's root namespace;
- ``cen-<version>/EN16931-UBL-validation.xslt``: the CEN EN 16931 rules, compiled Schematron;
- ``peppol-<version>/PEPPOL-EN16931-UBL.xslt``: the Peppol BIS Billing 3.0 rules.

The XSLTs are XSLT 2.0, so they run with SaxonC (saxonche). SaxonC holds Python's GIL for a
whole compile (about a second) and for every transform, so they run in helper processes
(``kassa.peppol.rules.worker``), started with the first validation (or ``warm_up()``), which
compile once and run each document while this process checks the schemas with lxml and reads the
SVRL reports into findings. Where the machine has two cores and the memory (``helpers``), one
helper per stylesheet runs the two in parallel, else one runs both (``KASSA_RULES_WORKERS=1|2``
decides instead). Each helper's SaxonC has a bounded young generation (``saxon``), which keeps it
near 80–110 MB however many documents it sees. After ``KASSA_RULES_IDLE`` seconds (300) without a
validation the helpers stop and the compiled schemas go, so a till at rest holds only its own
process; the next validation starts them again. Helpers are restarted once if one died, and
stopped at exit (or exit themselves when this process is gone). ``KASSA_RULES_ENGINE=inline`` (or
``RulePack.load(root, engine="inline")``) runs Saxon in this process instead.

Modules: ``pack`` (a pack on disk, validating, the process's active pack), ``parts`` (the
release folders a pack is made of), ``findings`` (what validation reports), ``helpers`` (the
helper processes and their layout), ``protocol`` (their wire format), ``worker`` (a helper's main),
``saxon`` (SaxonC: the processor, its bounded heap, compiling for validation), ``pins`` (the SHA-256
pins of known releases), ``install`` (``kassa rules install``), ``texts`` (Swedish explanations of
rules), ``errors``.
"""
