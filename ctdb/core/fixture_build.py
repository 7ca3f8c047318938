"""Compile the curated YAML sources under fixtures/ into one Django fixture.

One source file per article (see fixtures/README.md). The compiler checks
every quote against its article, every reference, date, vocabulary value and
duplicate, and refuses the whole build with messages that name the file and
the entry. Its output is deterministic: the same sources give the same bytes.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django_countries import countries

from . import choices, partial_dates
from .models import (
    Affiliation,
    AgreementParty,
    AgreementTarget,
    AttackLink,
    Attribution,
    OrganisationRelationship,
)
from .models.articles import citation_slug, locate


class BuildError(Exception):
    """The sources are not valid; `errors` lists every problem found."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


# Allowed keys of each kind of entry, and the vocabulary of its choice fields.
RECORD_KINDS = {
    "organisations": {
        "model": "core.organisation",
        "fields": ["name_ar", "name_en", "kind", "country", "founded", "ended", "description_en", "description_ar"],
        "choices": {"kind": choices.OrganisationKind},
        "dates": ["founded", "ended"],
        "country": ["country"],
        "links": set(),
    },
    "actors": {
        "model": "core.actor",
        "fields": ["name_ar", "name_en", "title_ar", "title_en", "nationality", "description_en"],
        "choices": {},
        "dates": [],
        "country": ["nationality"],
        "links": {"affiliations"},
    },
    "attacks": {
        "model": "core.attack",
        "fields": [
            "name_ar",
            "name_en",
            "kind",
            "campaign",
            "start",
            "end",
            "country",
            "place_ar",
            "place_en",
            "latitude",
            "longitude",
            "geo_precision",
            "attack_type",
            "target_type",
            "weapon_type",
            "killed",
            "wounded",
            "description_en",
        ],
        "choices": {
            "kind": choices.AttackKind,
            "attack_type": choices.AttackType,
            "target_type": choices.TargetType,
            "weapon_type": choices.WeaponType,
        },
        "dates": ["start", "end"],
        "country": ["country"],
        "links": {"attributions", "related"},
    },
    "agreements": {
        "model": "core.agreement",
        "fields": ["name_ar", "name_en", "kind", "status", "start", "end", "amount", "currency", "description_en"],
        "choices": {"kind": choices.AgreementKind, "status": choices.AgreementStatus},
        "dates": ["start", "end"],
        "country": [],
        "links": {"parties", "targets"},
    },
}
COMMON_KEYS = {"slug", "cite", "aliases", "inferred"}
CITE_KEYS = {"quote", "occurrence", "translation_en", "note"}
ALIAS_KEYS = {"name", "language", "kind"}
ARTICLE_KEYS = {"slug", "title", "outlet", "author", "published", "url", "language", "inferred"}

# How each link kind is written in a source entry: its model, keys, the
# parent key it hangs on, references (key -> record kind), choices, dates.
LINK_KINDS = {
    "attributions": {
        "model": Attribution,
        "parent": "attack",
        "refs": {"organisation": "organisations", "accused_by": "organisations"},
        "keys": {"organisation", "kind", "accused_by", "note", "cite", "inferred"},
        "choices": {"kind": choices.AttributionKind},
        "dates": [],
        "target": "attribution",
    },
    "related": {
        "model": AttackLink,
        "parent": "from_attack",
        "refs": {"attack": "attacks"},
        "keys": {"attack", "kind", "cite", "inferred"},
        "choices": {"kind": choices.AttackLinkKind},
        "dates": [],
        "target": "attack_link",
        "rename": {"attack": "to_attack"},
    },
    "parties": {
        "model": AgreementParty,
        "parent": "agreement",
        "refs": {"organisation": "organisations"},
        "keys": {"organisation", "role", "start", "end", "note", "cite", "inferred"},
        "choices": {"role": choices.PartyRole},
        "dates": ["start", "end"],
        "target": "party",
    },
    "targets": {
        "model": AgreementTarget,
        "parent": "agreement",
        "refs": {"organisation": "organisations"},
        "keys": {"organisation", "cite", "inferred"},
        "choices": {},
        "dates": [],
        "target": "agreement_target",
    },
    "affiliations": {
        "model": Affiliation,
        "parent": "actor",
        "refs": {"organisation": "organisations"},
        "keys": {"organisation", "role", "start", "end", "cite", "inferred"},
        "choices": {},
        "dates": ["start", "end"],
        "target": "affiliation",
    },
    "relationships": {
        "model": OrganisationRelationship,
        "parent": None,
        "refs": {"subject": "organisations", "object": "organisations"},
        "keys": {"subject", "kind", "object", "start", "end", "note", "cite", "inferred"},
        "choices": {"kind": choices.OrganisationRelationshipKind},
        "dates": ["start", "end"],
        "target": "relationship",
    },
}
RECORD_TARGET = {"organisations": "organisation", "actors": "actor", "attacks": "attack", "agreements": "agreement"}
ORDER = [
    "core.organisation",
    "core.organisationalias",
    "core.article",
    "core.actor",
    "core.actoralias",
    "core.affiliation",
    "core.organisationrelationship",
    "core.attack",
    "core.attribution",
    "core.attacklink",
    "core.agreement",
    "core.agreementparty",
    "core.agreementtarget",
    "core.citation",
]


@dataclass
class Source:
    path: Path
    article_slug: str
    text: str


@dataclass
class Compiled:
    records: dict = field(default_factory=dict)  # (model, slug) -> fields
    origin: dict = field(default_factory=dict)  # (model, slug) -> "file: entry" where defined
    citations: dict = field(default_factory=dict)  # slug -> fields
    errors: list = field(default_factory=list)


class Builder:
    def __init__(self, root, timestamp):
        self.root = Path(root)
        self.timestamp = timestamp
        self.out = Compiled()
        self.defined = {kind: {} for kind in RECORD_KINDS}  # kind -> slug -> fields given
        self.references = []  # (where, kind, slug)
        self.cited = set()  # (model, slug) with at least one citation

    # -- helpers -------------------------------------------------------
    def error(self, where, message):
        self.out.errors.append(f"{where}: {message}")

    def check_keys(self, where, entry, allowed):
        if not isinstance(entry, dict):
            self.error(where, f"expected a mapping, got {type(entry).__name__}")
            return False
        unknown = sorted(set(entry) - set(allowed))
        if unknown:
            self.error(where, f"unknown key(s) {', '.join(unknown)}")
        return True

    def check_date(self, where, name, value):
        if value is None:
            return None
        try:
            partial_dates.parse(value)
        except ValueError as problem:
            self.error(where, f"invalid date in {name}: {problem}")
        return value

    def check_choice(self, where, name, value, vocabulary, required=False):
        if value in (None, ""):
            if required:
                self.error(where, f"{name} is required ({', '.join(vocabulary.values)})")
            return ""
        if value not in vocabulary.values:
            self.error(where, f"{name} {value!r} is not one of {', '.join(vocabulary.values)}")
        return value

    def put(self, model, slug, fields, where):
        key = (model, slug)
        if key in self.out.records:
            self.error(where, f"duplicate: {model} {slug!r} is already recorded in {self.out.origin[key]}")
            return
        self.out.records[key] = {"slug": slug, **fields}
        self.out.origin[key] = where

    def inferred(self, where, entry):
        value = entry.get("inferred") or {}
        if not isinstance(value, dict) or not all(isinstance(v, str) and v for v in value.values()):
            self.error(where, "inferred must map field names to the editor's reasoning")
            return {}
        return dict(sorted(value.items()))

    def cite(self, where, source, entry, target_field, target_model, target_slug):
        cites = entry.get("cite")
        if not cites:
            self.error(where, "missing citation: every record and link needs at least one `cite`")
            return
        if not isinstance(cites, list):
            self.error(where, "cite must be a list of citations")
            return
        for number, item in enumerate(cites, 1):
            here = f"{where} cite #{number}"
            if not self.check_keys(here, item, CITE_KEYS):
                continue
            quote = item.get("quote")
            if not isinstance(quote, str) or not quote:
                self.error(here, "quote is missing or empty")
                continue
            occurrence = item.get("occurrence", 1)
            span = locate(source.text, quote, occurrence) if isinstance(occurrence, int) and occurrence > 0 else None
            if span is None:
                if quote in source.text:
                    self.error(here, f"quote occurs fewer than {occurrence} time(s) in {source.article_slug}")
                else:
                    self.error(here, f"quote not found in article {source.article_slug}: {quote[:60]!r}")
                continue
            start, end = span
            slug = citation_slug(source.article_slug, start, end, target_field, target_slug)
            if slug in self.out.citations:
                self.error(here, "duplicate: the same quote already cites this record")
                continue
            self.out.citations[slug] = {
                "slug": slug,
                "article": [source.article_slug],
                "quote": quote,
                "start": start,
                "end": end,
                "translation_en": item.get("translation_en") or "",
                "note": item.get("note") or "",
                target_field: [target_slug],
            }
            self.cited.add((target_model, target_slug))

    # -- sources -------------------------------------------------------
    def load(self, path):
        where = path.name
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as problem:
            self.error(where, f"not valid YAML: {problem}")
            return None
        if not isinstance(data, dict) or not isinstance(data.get("article"), dict):
            self.error(where, "a source file needs an `article:` mapping")
            return None
        unknown = sorted(set(data) - {"article", "relationships", *RECORD_KINDS})
        if unknown:
            self.error(where, f"unknown section(s) {', '.join(unknown)}")
        return data

    def article(self, path, data):
        entry = data["article"]
        slug = entry.get("slug")
        where = f"{path.name}: article {slug}"
        self.check_keys(where, entry, ARTICLE_KEYS)
        if not slug or not entry.get("title"):
            self.error(where, "an article needs a slug and a title")
            return None
        if path.stem != slug:
            self.error(where, f"the file must be named {slug}.yaml")
        text_path = self.root / "articles" / f"{slug}.txt"
        if not text_path.exists():
            self.error(where, f"article text {text_path} does not exist")
            return None
        text = text_path.read_text(encoding="utf-8")
        fields = {
            "title": entry["title"],
            "outlet": [entry["outlet"]] if entry.get("outlet") else None,
            "author": entry.get("author") or "",
            "published": self.check_date(where, "published", entry.get("published")),
            "url": entry.get("url") or "",
            "language": self.check_choice(where, "language", entry.get("language", "ar"), choices.Language),
            "text": text,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "inferred": self.inferred(where, entry),
        }
        if entry.get("outlet"):
            self.references.append((where, "organisations", entry["outlet"]))
        self.put("core.article", slug, fields, where)
        return Source(path, slug, text)

    def record(self, source, kind, entry, number):
        spec = RECORD_KINDS[kind]
        where = f"{source.path.name}: {kind} #{number}"
        if not self.check_keys(where, entry, COMMON_KEYS | set(spec["fields"]) | spec["links"]):
            return
        slug = entry.get("slug")
        if not slug or not isinstance(slug, str):
            self.error(where, "slug is missing")
            return
        where = f"{source.path.name}: {kind} {slug}"
        given = {name: entry[name] for name in spec["fields"] if name in entry}
        if given or "inferred" in entry:
            self.define(where, kind, slug, given, self.inferred(where, entry))
        else:
            self.references.append((where, kind, slug))
        self.cite(where, source, entry, RECORD_TARGET[kind], spec["model"], slug)
        self.aliases(source, where, kind, slug, entry.get("aliases") or [])
        for link_kind in sorted(spec["links"]):
            for index, link in enumerate(entry.get(link_kind) or [], 1):
                self.link(source, link_kind, link, f"{where} {link_kind} #{index}", slug)

    def define(self, where, kind, slug, given, inferred):
        """Record the fields one file gives a record; files must agree."""
        earlier = self.defined[kind].get(slug)
        if earlier is None:
            self.defined[kind][slug] = {"where": where, "given": given, "inferred": inferred}
            return
        if earlier["where"].split(":")[0] == where.split(":")[0]:
            self.error(where, f"duplicate: {slug!r} is defined twice in this file")
            return
        for name, value in given.items():
            if name in earlier["given"] and earlier["given"][name] != value:
                self.error(
                    where,
                    f"duplicate: {name} = {value!r} conflicts with {earlier['given'][name]!r} in {earlier['where']}",
                )
        earlier["given"] = {**given, **earlier["given"]}
        earlier["inferred"] = {**inferred, **earlier["inferred"]}

    def validate(self, where, kind, given):
        """Check a record's merged fields: dates, vocabularies, countries, figures."""
        spec = RECORD_KINDS[kind]
        for name in spec["dates"]:
            self.check_date(where, name, given.get(name))
        for name, vocabulary in spec["choices"].items():
            self.check_choice(where, name, given.get(name), vocabulary, required=name == "kind")
        for name in spec["country"]:
            code = given.get(name)
            if code and code not in countries:
                self.error(where, f"{name} {code!r} is not an ISO 3166 country code")
        if not (given.get("name_ar") or given.get("name_en")):
            self.error(where, "a record needs name_ar or name_en")
        for name in ("killed", "wounded"):
            self.check_figures(where, name, given.get(name))
        if given.get("campaign"):
            self.references.append((where, "attacks", given["campaign"]))

    def check_figures(self, where, name, figures):
        if figures is None:
            return
        if not isinstance(figures, dict) or set(figures) - {"low", "high"}:
            self.error(where, f"{name} must be {{low: N, high: N}}")
            return
        low, high = figures.get("low"), figures.get("high")
        for value in (low, high):
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                self.error(where, f"{name} figures must be whole numbers not below 0, got {value!r}")
                return
        if low is not None and high is not None and low > high:
            self.error(where, f"{name}: low {low} is above high {high}")

    def aliases(self, source, where, kind, slug, aliases):
        model = {"organisations": "core.organisationalias", "actors": "core.actoralias"}.get(kind)
        if aliases and model is None:
            self.error(where, f"{kind} have no aliases")
            return
        owner = "organisation" if kind == "organisations" else "actor"
        for index, alias in enumerate(aliases, 1):
            here = f"{where} alias #{index}"
            if not self.check_keys(here, alias, ALIAS_KEYS) or not alias.get("name"):
                self.error(here, "an alias needs a name")
                continue
            fields = {
                owner: [slug],
                "name": alias["name"],
                "language": self.check_choice(here, "language", alias.get("language", "ar"), choices.Language),
                "kind": self.check_choice(here, "kind", alias.get("kind", "name"), choices.AliasKind),
            }
            key = (model, f"{slug}|{alias['name']}")
            if key in self.out.records:
                if self.out.records[key] != fields:
                    self.error(here, f"duplicate: alias {alias['name']!r} differs from {self.out.origin[key]}")
                elif self.out.origin[key].split(":")[0] == source.path.name:
                    self.error(here, f"duplicate: alias {alias['name']!r} is given twice in this file")
                continue
            self.out.records[key] = fields
            self.out.origin[key] = here

    def link(self, source, link_kind, entry, where, parent_slug=None):
        spec = LINK_KINDS[link_kind]
        if not self.check_keys(where, entry, spec["keys"]):
            return
        values = {}
        if spec["parent"]:
            values[spec["parent"]] = parent_slug
        for key, kind in spec["refs"].items():
            ref = entry.get(key)
            name = spec.get("rename", {}).get(key, key)
            if ref:
                self.references.append((where, kind, ref))
            elif key != "accused_by":
                self.error(where, f"{key} is missing")
            values[name] = ref
        for name, vocabulary in spec["choices"].items():
            values[name] = self.check_choice(where, name, entry.get(name), vocabulary, required=True)
        if link_kind == "affiliations":
            values["role"] = entry.get("role") or ""
        if link_kind == "attributions" and (values["kind"] == "accused") != bool(values.get("accused_by")):
            self.error(where, "accused_by is required for kind accused, and only for it")
        for name in spec["dates"]:
            values[name] = self.check_date(where, name, entry.get(name))
        if "note" in spec["keys"]:
            values["note"] = entry.get("note") or ""
        model = spec["model"]
        slug = model.slug_from(values)
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        fields = {
            name: ([value] if name in spec["refs"] or name in (spec["parent"], "to_attack") else value)
            if value is not None or name not in spec["refs"]
            else None
            for name, value in values.items()
        }
        fields["inferred"] = self.inferred(where, entry)
        key = (label, slug)
        if key in self.out.records:
            if self.out.origin[key].split(":")[0] == source.path.name:
                self.error(where, f"duplicate: this {link_kind[:-1]} is already recorded in this file")
            elif self.out.records[key] != {"slug": slug, **fields}:
                self.error(where, f"duplicate: conflicts with the same link in {self.out.origin[key]}")
        else:
            self.put(label, slug, fields, where)
        self.cite(where, source, entry, spec["target"], label, slug)

    # -- whole build ---------------------------------------------------
    def build(self):
        paths = sorted((self.root / "source").glob("*.yaml"))
        if not paths:
            raise BuildError([f"{self.root / 'source'}: no source files"])
        for path in paths:
            data = self.load(path)
            if data is None:
                continue
            source = self.article(path, data)
            if source is None:
                continue
            for kind in RECORD_KINDS:
                for number, entry in enumerate(data.get(kind) or [], 1):
                    self.record(source, kind, entry, number)
            for number, entry in enumerate(data.get("relationships") or [], 1):
                self.link(source, "relationships", entry, f"{path.name}: relationships #{number}")
        self.finish()
        if self.out.errors:
            raise BuildError(self.out.errors)
        return self.serialise()

    def finish(self):
        for kind, records in self.defined.items():
            for record in records.values():
                self.validate(record["where"], kind, record["given"])
        for where, kind, slug in self.references:
            if slug not in self.defined[kind]:
                self.error(where, f"unknown {kind[:-1]} {slug!r}: no source file defines it")
        for kind, records in self.defined.items():
            spec = RECORD_KINDS[kind]
            for slug, record in records.items():
                given = dict(record["given"])
                for name in ("killed", "wounded"):
                    figures = given.pop(name, None) or {}
                    if kind == "attacks":
                        given[f"{name}_low"] = figures.get("low")
                        given[f"{name}_high"] = figures.get("high")
                for name in spec["country"]:
                    given[name] = given.get(name) or ""
                if given.get("campaign"):
                    given["campaign"] = [given["campaign"]]
                for name in spec["fields"]:
                    if name not in ("killed", "wounded", "campaign") and given.get(name) is None:
                        # Text columns hold "" for "not reported"; dates and numbers hold null.
                        given[name] = None if name in spec["dates"] or name in NULLABLE else ""
                if kind == "attacks":
                    given.setdefault("campaign", None)
                if given.get("amount") is not None:
                    given["amount"] = str(given["amount"])
                given["inferred"] = record["inferred"]
                self.put(spec["model"], slug, given, record["where"])
                if (spec["model"], slug) not in self.cited:
                    self.error(record["where"], "missing citation")

    def serialise(self):
        timestamp = self.timestamp
        objects = []
        for model in ORDER:
            rows = [(slug, fields) for (label, slug), fields in self.out.records.items() if label == model]
            if model == "core.citation":
                rows = list(self.out.citations.items())
            if model == "core.attack":
                # Campaigns before the attacks that belong to them.
                rows.sort(key=lambda row: (row[1].get("campaign") is not None, row[0]))
            else:
                rows.sort(key=lambda row: row[0])
            for _slug, fields in rows:
                fields = dict(fields)
                if model not in ("core.organisationalias", "core.actoralias"):
                    fields["created_at"] = timestamp
                    fields["updated_at"] = timestamp
                objects.append({"model": model, "fields": dict(sorted(fields.items()))})
        return json.dumps(objects, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


NULLABLE = {"latitude", "longitude", "geo_precision", "amount"}


def read_dataset(root):
    """The dataset's version and timestamp, from fixtures/dataset.yaml."""
    return yaml.safe_load((Path(root) / "dataset.yaml").read_text(encoding="utf-8"))


def build(root):
    """Compile the sources under `root` (the fixtures folder); return JSON text."""
    dataset = read_dataset(root)
    return Builder(root, dataset["timestamp"]).build()
