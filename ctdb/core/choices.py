"""Controlled vocabularies used by ctdb's records.

Values are stable identifiers (they appear in fixtures, CSV exports and the
API); labels are translatable. GTD's taxonomies are the reference for attack,
target and weapon types.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    YEAR = "year", _("year")
    MONTH = "month", _("month")
    DAY = "day", _("day")


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")
    OTHER = "other", _("other")


class AliasKind(models.TextChoices):
    NAME = "name", _("name variant")
    ACRONYM = "acronym", _("acronym")
    PEJORATIVE = "pejorative", _("pejorative")
    FORMER = "former", _("former name")
    TRANSLITERATION = "transliteration", _("transliteration")
    SELF_DESIGNATION = "self_designation", _("self-designation")


class AliasProvenance(models.TextChoices):
    """Where an alias comes from: an article of the dataset, or the editors'
    own knowledge of a well-known name that no article spells out (which
    then carries the editor's reasoning)."""

    ARTICLE = "article", _("reported by an article")
    EDITORIAL = "editorial", _("editorial knowledge")


class OrganisationKind(models.TextChoices):
    MILITANT_GROUP = "militant_group", _("militant group")
    STATE = "state", _("state")
    GOVERNMENT_AGENCY = "government_agency", _("government agency (intelligence, security, defence)")
    ARMED_FORCE = "armed_force", _("armed force or militia")
    INTERGOVERNMENTAL = "intergovernmental", _("intergovernmental body")
    COALITION = "coalition", _("coalition")
    THINK_TANK = "think_tank", _("think tank or research centre")
    NGO = "ngo", _("non-governmental organisation")
    MEDIA = "media", _("media outlet or news agency")
    POLITICAL = "political", _("political party or movement")
    OTHER = "other", _("other")


class OrganisationRelationshipKind(models.TextChoices):
    BRANCH_OF = "branch_of", _("branch or province of")
    AFFILIATE_OF = "affiliate_of", _("affiliate of")
    SPLINTER_OF = "splinter_of", _("splinter of")
    MERGER_TALKS = "merger_talks", _("in merger talks with")
    MERGED_INTO = "merged_into", _("merged into")
    RIVAL = "rival", _("rival of")
    ALLY = "ally", _("ally of")
    MEMBER_OF = "member_of", _("member of")
    PART_OF = "part_of", _("part of")
    SUPPORTS = "supports", _("supports")
    LEADS = "leads", _("leads")


class AttackKind(models.TextChoices):
    ATTACK = "attack", _("attack")
    CAMPAIGN = "campaign", _("campaign of attacks")


class AttackType(models.TextChoices):
    """GTD attack types."""

    ASSASSINATION = "assassination", _("assassination")
    ARMED_ASSAULT = "armed_assault", _("armed assault")
    BOMBING = "bombing_explosion", _("bombing or explosion")
    HIJACKING = "hijacking", _("hijacking")
    HOSTAGE_BARRICADE = "hostage_barricade", _("hostage taking (barricade)")
    HOSTAGE_KIDNAPPING = "hostage_kidnapping", _("hostage taking (kidnapping)")
    FACILITY = "facility_infrastructure", _("facility or infrastructure attack")
    UNARMED_ASSAULT = "unarmed_assault", _("unarmed assault")
    UNKNOWN = "unknown", _("unknown")


class TargetType(models.TextChoices):
    """GTD target types."""

    BUSINESS = "business", _("business")
    GOVERNMENT_GENERAL = "government_general", _("government (general)")
    POLICE = "police", _("police")
    MILITARY = "military", _("military")
    ABORTION = "abortion_related", _("abortion related")
    AIRPORTS = "airports_aircraft", _("airports and aircraft")
    GOVERNMENT_DIPLOMATIC = "government_diplomatic", _("government (diplomatic)")
    EDUCATIONAL = "educational_institution", _("educational institution")
    FOOD_WATER = "food_water_supply", _("food or water supply")
    JOURNALISTS = "journalists_media", _("journalists and media")
    MARITIME = "maritime", _("maritime")
    NGO = "ngo", _("NGO")
    OTHER = "other", _("other")
    PRIVATE = "private_citizens_property", _("private citizens and property")
    RELIGIOUS = "religious_figures_institutions", _("religious figures and institutions")
    TELECOMMUNICATION = "telecommunication", _("telecommunication")
    TERRORISTS = "terrorists_non_state_militia", _("terrorists and non-state militia")
    TOURISTS = "tourists", _("tourists")
    TRANSPORTATION = "transportation", _("transportation")
    UNKNOWN = "unknown", _("unknown")
    UTILITIES = "utilities", _("utilities")
    VIOLENT_POLITICAL_PARTY = "violent_political_party", _("violent political party")


class WeaponType(models.TextChoices):
    """GTD weapon types."""

    BIOLOGICAL = "biological", _("biological")
    CHEMICAL = "chemical", _("chemical")
    RADIOLOGICAL = "radiological", _("radiological")
    NUCLEAR = "nuclear", _("nuclear")
    FIREARMS = "firearms", _("firearms")
    EXPLOSIVES = "explosives", _("explosives")
    FAKE_WEAPONS = "fake_weapons", _("fake weapons")
    INCENDIARY = "incendiary", _("incendiary")
    MELEE = "melee", _("melee")
    VEHICLE = "vehicle", _("vehicle (not explosives)")
    SABOTAGE = "sabotage_equipment", _("sabotage equipment")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


class AttackLinkKind(models.TextChoices):
    SAME_EVENT = "same_event", _("part of the same coordinated event")
    RELATED = "related", _("related")
    RETALIATION_FOR = "retaliation_for", _("carried out in retaliation for")
    FOLLOWED = "followed", _("followed")


class AttributionKind(models.TextChoices):
    CLAIMED = "claimed", _("claimed by the organisation")
    SUSPECTED = "suspected", _("suspected")
    ACCUSED = "accused", _("accused by another party")
    DENIED = "denied", _("denied by the organisation")


class AgreementKind(models.TextChoices):
    TREATY = "treaty", _("treaty or formal agreement")
    RESOLUTION = "resolution", _("resolution or decision")
    INTELLIGENCE_SHARING = "intelligence_sharing", _("intelligence sharing")
    JOINT_COMMAND = "joint_command", _("joint command")
    JOINT_OPERATIONS = "joint_operations", _("joint operations")
    COALITION = "coalition", _("coalition")
    WARNING = "warning", _("warning passed between parties")
    PLEDGE = "pledge", _("funding or resource pledge")
    DIRECTIVE = "directive", _("directive")
    PROPOSAL = "proposal", _("proposal")
    DIALOGUE = "dialogue", _("dialogue or meeting")
    OTHER = "other", _("other cooperation")


class AgreementStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    IN_FORCE = "in_force", _("in force")
    STALLED = "stalled", _("stalled")
    ENDED = "ended", _("ended")
    DENIED = "denied", _("denied")
    UNKNOWN = "unknown", _("unknown")


class PartyRole(models.TextChoices):
    PARTY = "party", _("party")
    MEMBER = "member", _("member")
    LEADER = "leader", _("leader")
    OBSERVER = "observer", _("observer")
    SENDER = "sender", _("sender")
    RECIPIENT = "recipient", _("recipient")
    HOST = "host", _("host")
    PROPOSER = "proposer", _("proposer")
    FUNDER = "funder", _("funder")
