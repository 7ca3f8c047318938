"""How actors are written in a fixture source file: an `actors:` list, each
entry with its aliases and its `affiliations:` (ctdb.fixture_compiler.sections)."""

from ctdb.core.models import Actor, Affiliation
from ctdb.fixture_compiler.sections import LinkSection, RecordSection

SECTIONS = (
    RecordSection("actors", Actor, links=("affiliations",)),
    LinkSection("affiliations", Affiliation, parent="actor"),
)
