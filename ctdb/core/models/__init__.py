"""ctdb's record models, re-exported from the domain folders that declare
them (`ctdb/<domain>/models.py`, app label `core`), with the abstract bases
they share (`base`). Generic layers find the models through
`ctdb.core.registry`; code about one model may import it from here."""

from ctdb.actors.models import Actor, ActorAlias, Affiliation
from ctdb.agreements.models import Agreement, AgreementParty, AgreementTarget
from ctdb.attacks.models import Attack, AttackLink, Attribution
from ctdb.organisations.models import Organisation, OrganisationAlias, OrganisationRelationship
from ctdb.sources.models import Article, Citation

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
