"""How organisations are written in a fixture source file: an
`organisations:` list (aliases inside each entry) and a top-level
`relationships:` list (ctdb.fixture_compiler.sections)."""

from ctdb.core.models import Organisation, OrganisationRelationship
from ctdb.fixture_compiler.sections import LinkSection, RecordSection

SECTIONS = (
    RecordSection("organisations", Organisation),
    LinkSection("relationships", OrganisationRelationship),
)
