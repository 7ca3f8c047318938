"""How agreements are written in a fixture source file: an `agreements:`
list, each entry with its `parties:` and `targets:`; an amount goes into the
fixture as text, keeping its exact digits (ctdb.fixture_compiler.sections)."""

from ctdb.core.models import Agreement, AgreementParty, AgreementTarget
from ctdb.fixture_compiler.sections import LinkSection, RecordSection

SECTIONS = (
    RecordSection("agreements", Agreement, links=("parties", "targets"), as_text=("amount",)),
    LinkSection("parties", AgreementParty, parent="agreement"),
    LinkSection("targets", AgreementTarget, parent="agreement"),
)
