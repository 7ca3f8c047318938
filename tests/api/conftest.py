"""Shared fixtures of the API tests: a small, complete world of records."""

from types import SimpleNamespace

import pytest
from django.core.cache import caches

from ctdb.core.choices import AgreementKind, AgreementStatus, AttackKind, AttributionKind, OrganisationKind, PartyRole
from ctdb.core.registry import record_models
from tests import factories as make
from tests.shared_cache import forget_shared_counts


@pytest.fixture(autouse=True)
def fresh_throttle():
    # Throttle counts live in the shared cache (Redis); no test may inherit another's.
    forget_shared_counts()
    yield
    forget_shared_counts()


@pytest.fixture
def fresh_cache(settings):
    """The API's answer cache empty before and after the test (the cache the
    test starts with: one it switches to, Redis, is not flushed)."""
    cache = caches[settings.CTDB_API_CACHE]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return build_world()


def build_world():
    """Records in which the first of each resource, in its default order,
    has every kind of related record: page size 1 then exercises every
    prefetch, so query counts can be compared with a full page."""
    w = SimpleNamespace()
    w.outlet = make.organisation(slug="sputnik-arabic", name_en="Sputnik Arabic", kind=OrganisationKind.MEDIA)
    w.islamic_state = make.organisation(
        slug="islamic-state",
        name_ar="تنظيم الدولة الإسلاميّة",
        name_en="Islamic State",
        country="SY",
        founded="2014",
        aliases=["داعش", "ISIS"],
        inferred={"country": "Its capital was in Syria."},
    )
    w.iskp = make.organisation(
        slug="islamic-state-khorasan-province",
        name_ar="ولاية خراسان",
        name_en="Islamic State Khorasan Province",
        country="AF",
        founded="2015-01",
    )
    w.nusra = make.organisation(slug="jabhat-al-nusra", name_ar="جبهة النصرة", name_en="Jabhat al-Nusra", country="SY")
    w.russia = make.organisation(
        slug="russia", name_ar="روسيا", name_en="Russia", kind=OrganisationKind.STATE, country="RU"
    )
    w.ukraine = make.organisation(slug="ukraine", name_en="Ukraine", kind=OrganisationKind.STATE, country="UA")
    w.turkey = make.organisation(
        slug="turkey", name_ar="تركيا", name_en="Turkey", kind=OrganisationKind.STATE, country="TR"
    )
    w.usa = make.organisation(slug="united-states", name_en="United States", kind=OrganisationKind.STATE, country="US")

    w.article = make.article(
        slug="2024-03-sputnik-moscow-attack",
        title="هجوم موسكو",
        outlet=w.outlet,
        published="2024-03",
        text="Preamble. " + " ".join(f"Fact {n}." for n in range(1, 60)),
    )
    w.other_article = make.article(slug="2017-04-merger-talks", title="Merger talks", published="2017-04")

    def cite(record, n):
        return make.cite(record, article=w.article, quote=f"Fact {n}.", translation_en=f"Translation {n}")

    w.branch = make.relationship(subject=w.iskp, kind="branch_of", object=w.islamic_state)
    w.rivalry = make.relationship(subject=w.islamic_state, kind="rival", object=w.nusra, start="2013")
    for n, record in enumerate([w.islamic_state, w.iskp, w.russia, w.branch, w.rivalry], start=1):
        cite(record, n)
    make.cite(w.nusra, article=w.other_article)

    w.erdogan = make.actor(
        slug="recep-tayyip-erdogan",
        name_ar="رجب طيب أردوغان",
        name_en="Recep Tayyip Erdoğan",
        nationality="TR",
        aliases=["أردوغان"],
    )
    w.putin = make.actor(slug="vladimir-putin", name_ar="فلاديمير بوتين", name_en="Vladimir Putin", nationality="RU")
    w.erdogan_president = make.affiliation(actor=w.erdogan, organisation=w.turkey, role="president", start="2014-08-28")
    w.putin_president = make.affiliation(actor=w.putin, organisation=w.russia, role="president", start="2000")
    for n, record in enumerate([w.erdogan, w.putin, w.erdogan_president, w.putin_president], start=10):
        cite(record, n)

    w.campaign = make.attack(
        slug="2024-islamic-state-campaign",
        name_en="Islamic State campaign 2024",
        kind=AttackKind.CAMPAIGN,
        start="2024",
    )
    w.crocus = make.attack(
        slug="2024-crocus-city-hall-attack",
        name_ar="هجوم كروكوس سيتي هول",
        name_en="Crocus City Hall attack",
        campaign=w.campaign,
        start="2024-03-22",
        country="RU",
        place_en="Krasnogorsk, near Moscow",
        attack_type="armed_assault",
        weapon_type="firearms",
        killed_low=144,
        latitude="55.824000",
        longitude="37.387000",
    )
    w.kerman = make.attack(
        slug="2024-kerman-bombings",
        name_en="Kerman bombings",
        campaign=w.campaign,
        start="2024-01-03",
        country="IR",
        attack_type="bombing_explosion",
        killed_low=94,
        killed_high=103,
    )
    w.claim = make.attribution(attack=w.crocus, organisation=w.iskp, kind=AttributionKind.CLAIMED)
    w.accusation = make.attribution(
        attack=w.crocus, organisation=w.ukraine, kind=AttributionKind.ACCUSED, accused_by=w.russia
    )
    w.kerman_claim = make.attribution(attack=w.kerman, organisation=w.islamic_state)
    w.same_campaign = make.attack_link(w.crocus, w.kerman, kind="related")
    w.followed = make.attack_link(w.kerman, w.crocus, kind="followed")
    records = [w.campaign, w.crocus, w.kerman, w.claim, w.accusation, w.kerman_claim, w.same_campaign, w.followed]
    for n, record in enumerate(records, start=20):
        cite(record, n)

    w.warning = make.agreement(
        slug="2024-us-warning-to-russia",
        name_en="US warning to Russia before the Crocus City Hall attack",
        kind=AgreementKind.WARNING,
        status=AgreementStatus.DENIED,
        start="2024-03",
    )
    w.coalition = make.agreement(
        slug="global-coalition-against-daesh",
        name_ar="التحالف الدولي ضد داعش",
        name_en="Global Coalition against Daesh",
        kind=AgreementKind.COALITION,
        status=AgreementStatus.IN_FORCE,
        start="2014-09",
    )
    w.sender = make.party(agreement=w.warning, organisation=w.usa, role=PartyRole.SENDER)
    w.recipient = make.party(agreement=w.warning, organisation=w.russia, role=PartyRole.RECIPIENT)
    w.leader = make.party(agreement=w.coalition, organisation=w.usa, role=PartyRole.LEADER, start="2014-09")
    w.member = make.party(agreement=w.coalition, organisation=w.turkey, role=PartyRole.MEMBER, start="2015")
    w.warning_target = make.target(agreement=w.warning, organisation=w.iskp)
    w.coalition_target = make.target(agreement=w.coalition, organisation=w.islamic_state)
    records = [w.warning, w.coalition, w.sender, w.recipient, w.leader, w.member, w.warning_target, w.coalition_target]
    for n, record in enumerate(records, start=40):
        cite(record, n)
    # A record type added since this was written: two records, each cited if it can be.
    for model in (model for model in record_models() if not model.objects.exists()):
        for n in (1, 2):
            record = make.example(model, n)
            if model in make.CITATION_FIELD:
                cite(record, 50 + n)
    return w
