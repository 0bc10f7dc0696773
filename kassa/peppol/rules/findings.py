"""What validation reports: findings of the schemas and of the Schematron rules (SVRL)."""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from kassa.peppol.rules.texts import explain

_SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_SVRL_TAGS = (_SVRL + "failed-assert", _SVRL + "successful-report")


@dataclass(frozen=True)
class Finding:
    rule_id: str
    flag: str  # 'fatal' | 'warning'
    location: str
    text: str
    explanation_sv: str | None
    source: str  # 'xsd' | 'cen' | 'peppol'

    @property
    def is_fatal(self) -> bool:
        return self.flag == "fatal"

    def line(self) -> str:
        """The one-line form: ``RULE-ID flag location: text``."""
        return f"{self.rule_id} {self.flag} {self.location}: {self.text}"

    def explained_line(self) -> str:
        """The line of ``kassa validate``: the one-line form, and the Swedish explanation after it where
        there is one (still one line a finding)."""
        if not self.explanation_sv:
            return self.line()
        return f"{self.line()} — På svenska: {self.explanation_sv}"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "rule_id": self.rule_id,
            "flag": self.flag,
            "location": self.location,
            "text": self.text,
            "explanation_sv": self.explanation_sv,
            "source": self.source,
        }


def has_fatal(findings: list[Finding]) -> bool:
    return any(f.is_fatal for f in findings)


def xsd_finding(location: str, text: str) -> Finding:
    return Finding("XSD", "fatal", location, text, explain("XSD"), "xsd")


def svrl_findings(svrl: str, source: str) -> list[Finding]:
    # Most documents pass: skip parsing a report that has nothing to report.
    if "failed-assert" not in svrl and "successful-report" not in svrl:
        return []
    findings = []
    for el in etree.fromstring(svrl.encode("utf-8")).iter(*_SVRL_TAGS):
        rule_id = el.get("id") or ""
        flag = "warning" if el.get("flag") in ("warning", "information") else "fatal"
        text = " ".join((el.findtext(_SVRL + "text") or "").split())
        findings.append(Finding(rule_id, flag, el.get("location") or "", text, explain(rule_id), source))
    return findings
