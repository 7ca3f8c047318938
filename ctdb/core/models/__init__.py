"""ctdb's data model: one module per concern, re-exported here."""

from .actors import Actor, ActorAlias, Affiliation
from .agreements import Agreement, AgreementParty, AgreementTarget
from .articles import Article, Citation
from .attacks import Attack, AttackLink, Attribution
from .organisations import Organisation, OrganisationAlias, OrganisationRelationship

__all__ = [
    "Actor",
    "ActorAlias",
    "Affiliation",
    "Agreement",
    "AgreementParty",
    "AgreementTarget",
    "Article",
    "Attack",
    "AttackLink",
    "Attribution",
    "Citation",
    "Organisation",
    "OrganisationAlias",
    "OrganisationRelationship",
]
