"""How attacks are written in a fixture source file: an `attacks:` list,
each entry with its `attributions:` and its `attack_links:` (links to other
attacks), where `attack:` names the other attack (ctdb.fixture_compiler.sections)."""

from ctdb.core.models import Attack, AttackLink, Attribution
from ctdb.fixture_compiler.sections import LinkSection, RecordSection

SECTIONS = (
    RecordSection("attacks", Attack, links=("attributions", "attack_links")),
    LinkSection("attributions", Attribution, parent="attack"),
    LinkSection("attack_links", AttackLink, parent="from_attack", rename={"attack": "to_attack"}),
)
