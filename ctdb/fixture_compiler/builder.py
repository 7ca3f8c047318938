"""Compile the curated YAML sources under fixtures/ into one Django fixture.

One source file per article (see fixtures/README.md), its sections declared
by the domain folders (`sections`); beside them the editorial files
(`editorial/*.yaml`): well-known names no article spells out, added as
aliases of records the articles' files define, each with its reasoning. The
compiler checks what only it can see: every quote against its article, every
reference to a slug defined in another file, that no article spells an
editorial name, duplicates and unknown keys; every record's own values it
leaves to the record's model (`validation`). It refuses the whole build with
messages that name the file and the entry. Its output is deterministic: the
same sources give the same bytes.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.apps import apps

from ctdb.core.choices import AliasProvenance
from ctdb.sources.models import citation_slug, locate

from .sections import (
    ALIASES,
    EDITORIAL_FOLDER,
    INFERRED,
    PROVENANCE,
    REASONING,
    SLUG,
    output_order,
    sections,
    written_fields,
)
from .validation import Checker


class BuildError(Exception):
    """The sources are not valid; `errors` lists every problem found."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


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


def empty(column):
    """What a column holds for "not reported": null where it may, else ""."""
    return None if column.null else ""


def fixture_value(column, entry, key, defaults=False):
    """The fixture's value of `column`, written under `key` in `entry`: a
    foreign key as its natural key; a missing value as "not reported", or,
    with `defaults`, as the model's default if it has one."""
    if defaults and key not in entry and column.has_default():
        value = column.get_default()
        return str(value) if isinstance(value, str) else value
    value = entry.get(key)
    if column.is_relation:
        return [value] if value else None
    return empty(column) if value is None else value


def file_of(where):
    return where.split(":")[0]


# The one-letter Arabic proclitics written onto a word: a conjunction (and,
# so), then a preposition (with, for, like): وداعش, لداعش, ولداعش.
PROCLITICS = "[وف]?[بلك]?"


def spelled(text, name):
    """Whether `text` writes `name` as a word of its own: not inside a longer
    word, though an Arabic word may carry a proclitic (لداعش is داعش). Case
    matters: an English "is" is not the acronym IS."""
    before = PROCLITICS if re.match(r"[\u0600-\u06ff]", name) else ""
    return re.search(rf"(?<!\w){before}{re.escape(name)}(?!\w)", text) is not None


class Builder:
    def __init__(self, root, timestamp):
        self.root = Path(root)
        self.timestamp = timestamp
        self.sections = sections()
        self.checker = Checker()
        self.out = Compiled()
        self.defined = {kind: {} for kind in self.sections.records}  # kind -> slug -> fields given
        self.references = []  # (where, kind, slug)
        self.cited = set()  # (model, slug) with at least one citation
        self.texts = {}  # article slug -> its text
        self.editorial_names = []  # (where, name) of every editorial alias

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

    def validate(self, where, model, fields, key_of=lambda name: name):
        """Report what `model`'s own validation says of a compiled row."""
        for problem in self.checker.problems(model, fields, key_of):
            self.error(where, problem)

    def refer(self, where, column, slug):
        """Note a reference to a record of `column`'s model, checked once every file is read."""
        self.references.append((where, self.sections.kind_of[column.related_model], slug))

    def put(self, model, slug, fields, where):
        key = (model, slug)
        if key in self.out.records:
            self.error(where, f"duplicate: {model} {slug!r} is already recorded in {self.out.origin[key]}")
            return
        self.out.records[key] = {SLUG: slug, **fields}
        self.out.origin[key] = where

    @staticmethod
    def inferred(entry):
        """The entry's inferred values, sorted; the model judges their shape."""
        value = entry.get(INFERRED) or {}
        return dict(sorted(value.items())) if isinstance(value, dict) else value

    def cite(self, where, source, entry, target_model, target_slug):
        spec = self.sections.citation
        cites = entry.get(spec.key)
        if not cites:
            self.error(where, f"missing citation: every record and link needs at least one `{spec.key}`")
            return
        if not isinstance(cites, list):
            self.error(where, f"{spec.key} must be a list of citations")
            return
        target_field = spec.target_field(target_model)
        for number, item in enumerate(cites, 1):
            here = f"{where} {spec.key} #{number}"
            if not self.check_keys(here, item, spec.keys):
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
                SLUG: slug,
                spec.article_field: [source.article_slug],
                "quote": quote,
                "start": start,
                "end": end,
                "translation_en": item.get("translation_en") or "",
                "note": item.get("note") or "",
                target_field: [target_slug],
            }
            self.cited.add((target_model._meta.label_lower, target_slug))

    # -- sources -------------------------------------------------------
    def load(self, path):
        where = path.name
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as problem:
            self.error(where, f"not valid YAML: {problem}")
            return None
        article_key = self.sections.article.key
        if not isinstance(data, dict) or not isinstance(data.get(article_key), dict):
            self.error(where, f"a source file needs an `{article_key}:` mapping")
            return None
        known = {article_key, *self.sections.top_level_links, *self.sections.records}
        unknown = sorted(set(data) - known)
        if unknown:
            self.error(where, f"unknown section(s) {', '.join(unknown)}")
        return data

    def article(self, path, data):
        spec = self.sections.article
        entry = data[spec.key]
        slug = entry.get(SLUG)
        where = f"{path.name}: {spec.key} {slug}"
        self.check_keys(where, entry, spec.keys)
        if not slug or not entry.get("title"):
            self.error(where, f"an {spec.key} needs a slug and a title")
            return None
        if path.stem != slug:
            self.error(where, f"the file must be named {slug}.yaml")
        text_path = self.root / spec.folder / f"{slug}.txt"
        if not text_path.exists():
            self.error(where, f"article text {text_path} does not exist")
            return None
        text = text_path.read_text(encoding="utf-8")
        fields = {}
        for column in written_fields(spec.model, {SLUG, INFERRED, spec.text_field}):
            fields[column.name] = fixture_value(column, entry, column.name, defaults=True)
            if column.is_relation and entry.get(column.name):
                self.refer(where, column, entry[column.name])
        fields[spec.text_field] = text
        fields[spec.digest_field] = hashlib.sha256(text.encode()).hexdigest()
        fields[INFERRED] = self.inferred(entry)
        self.validate(where, spec.model, {SLUG: slug, **fields})
        self.put(spec.model._meta.label_lower, slug, fields, where)
        self.texts[slug] = text
        return Source(path, slug, text)

    def record(self, source, kind, entry, number):
        spec = self.sections.records[kind]
        where = f"{source.path.name}: {kind} #{number}"
        if not self.check_keys(where, entry, self.sections.common_keys | set(spec.keys) | set(spec.links)):
            return
        slug = entry.get(SLUG)
        if not slug or not isinstance(slug, str):
            self.error(where, "slug is missing")
            return
        where = f"{source.path.name}: {kind} {slug}"
        given = {name: entry[name] for name in spec.keys if name in entry}
        if given or INFERRED in entry:
            self.define(where, kind, slug, given, self.inferred(entry))
        else:
            self.references.append((where, kind, slug))
        self.cite(where, source, entry, spec.model, slug)
        self.aliases(source.path.name, where, spec, slug, entry.get(ALIASES) or [])
        for link_kind in sorted(spec.links):
            for index, link in enumerate(entry.get(link_kind) or [], 1):
                self.link(source, link_kind, link, f"{where} {link_kind} #{index}", slug)

    def define(self, where, kind, slug, given, inferred):
        """Record the fields one file gives a record; files must agree."""
        earlier = self.defined[kind].get(slug)
        if earlier is None:
            self.defined[kind][slug] = {"where": where, "given": given, "inferred": inferred}
            return
        if file_of(earlier["where"]) == file_of(where):
            self.error(where, f"duplicate: {slug!r} is defined twice in this file")
            return
        for name, value in given.items():
            if name in earlier["given"] and earlier["given"][name] != value:
                self.error(
                    where,
                    f"duplicate: {name} = {value!r} conflicts with {earlier['given'][name]!r} in {earlier['where']}",
                )
        earlier["given"] = {**given, **earlier["given"]}
        if isinstance(inferred, dict) and isinstance(earlier["inferred"], dict):
            earlier["inferred"] = {**inferred, **earlier["inferred"]}

    def aliases(self, file, where, spec, slug, aliases, editorial=False):
        """The aliases an entry of `file` gives: reported by its article, or,
        in an editorial file, editorial knowledge with its reasoning."""
        model = spec.aliases
        if aliases and model is None:
            self.error(where, f"{spec.key} have no aliases")
            return
        if model is None:
            return
        owner = model.owner_field
        label = model._meta.label_lower
        columns = written_fields(model, {owner, PROVENANCE, *(() if editorial else (REASONING,))})
        keys = {column.name for column in columns}
        provenance = AliasProvenance.EDITORIAL if editorial else AliasProvenance.ARTICLE
        for index, alias in enumerate(aliases, 1):
            here = f"{where} alias #{index}"
            if isinstance(alias, dict) and PROVENANCE in alias:
                self.error(here, f"`{PROVENANCE}` is not written: an alias's file says it (fixtures/README.md)")
            if isinstance(alias, dict) and REASONING in alias and not editorial:
                self.error(
                    here,
                    f"an article's alias has no `{REASONING}`: a name no article gives is editorial knowledge, "
                    f"written in {EDITORIAL_FOLDER}/ (fixtures/README.md)",
                )
            if not self.check_keys(here, alias, keys | {PROVENANCE, REASONING}) or not alias.get("name"):
                self.error(here, "an alias needs a name")
                continue
            fields = {owner: [slug]}
            for column in columns:
                fields[column.name] = fixture_value(column, alias, column.name, defaults=True)
            fields[PROVENANCE] = provenance.value
            if not editorial:
                fields[REASONING] = ""
            key = (label, f"{slug}|{alias['name']}")
            if key in self.out.records:
                earlier = self.out.records[key]
                if earlier[PROVENANCE] != fields[PROVENANCE]:
                    self.error(
                        here,
                        f"duplicate: alias {alias['name']!r} is also given in {self.out.origin[key]}: "
                        "a name an article reports is not editorial knowledge",
                    )
                elif earlier != fields:
                    self.error(here, f"duplicate: alias {alias['name']!r} differs from {self.out.origin[key]}")
                elif file_of(self.out.origin[key]) == file:
                    self.error(here, f"duplicate: alias {alias['name']!r} is given twice in this file")
                continue
            self.validate(here, model, fields)
            self.out.records[key] = fields
            self.out.origin[key] = here
            if editorial:
                self.editorial_names.append((here, alias["name"]))

    # -- editorial files -------------------------------------------------
    def editorial(self, path):
        """An editorial file: for records an article's file defines, the
        aliases that are editorial knowledge, each with its reasoning."""
        file = f"{EDITORIAL_FOLDER}/{path.name}"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as problem:
            self.error(file, f"not valid YAML: {problem}")
            return
        if not isinstance(data, dict):
            self.error(file, "an editorial file is a mapping of record sections (`organisations:`, `actors:`)")
            return
        kinds = [kind for kind, spec in self.sections.records.items() if spec.aliases is not None]
        unknown = sorted(set(data) - set(kinds))
        if unknown:
            self.error(
                file,
                f"an editorial file only adds aliases ({', '.join(kinds)}): no article, citation or link "
                f"({', '.join(unknown)})",
            )
        for kind in kinds:
            entries = data.get(kind) or []
            if not isinstance(entries, list):
                self.error(f"{file}: {kind}", "expected a list of entries")
                continue
            for number, entry in enumerate(entries, 1):
                where = f"{file}: {kind} #{number}"
                if not self.check_keys(where, entry, {SLUG, ALIASES}):
                    continue
                slug = entry.get(SLUG)
                if not slug or not isinstance(slug, str):
                    self.error(where, "slug is missing")
                    continue
                where = f"{file}: {kind} {slug}"
                aliases = entry.get(ALIASES)
                if not aliases or not isinstance(aliases, list):
                    self.error(where, "an editorial entry gives a list of `aliases`, each with its reasoning")
                    continue
                self.references.append((where, kind, slug))  # defined by an article's file
                self.aliases(file, where, self.sections.records[kind], slug, aliases, editorial=True)

    def link(self, source, link_kind, entry, where, parent_slug=None):
        spec = self.sections.links[link_kind]
        keys = {spec.key_of(column.name) for column in spec.columns} | {self.sections.citation.key, INFERRED}
        if not self.check_keys(where, entry, keys):
            return
        slugs = {spec.parent: parent_slug} if spec.parent else {}
        fields = {spec.parent: [parent_slug]} if spec.parent else {}
        for column in spec.columns:
            key = spec.key_of(column.name)
            fields[column.name] = fixture_value(column, entry, key)
            slugs[column.name] = entry.get(key) if column.is_relation else fields[column.name]
            if column.is_relation and entry.get(key):
                self.refer(where, column, entry[key])
            elif column.is_relation and not column.null:
                self.error(where, f"{key} is missing")
        model = spec.model
        slug = model.slug_from(slugs)
        fields[INFERRED] = self.inferred(entry)
        key = (spec.label, slug)
        if key in self.out.records:
            if file_of(self.out.origin[key]) == source.path.name:
                self.error(where, f"duplicate: this {link_kind[:-1]} is already recorded in this file")
            elif self.out.records[key] != {SLUG: slug, **fields}:
                self.error(where, f"duplicate: conflicts with the same link in {self.out.origin[key]}")
        else:
            self.validate(where, model, {SLUG: slug, **fields}, spec.key_of)
            self.put(spec.label, slug, fields, where)
        self.cite(where, source, entry, model, slug)

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
            for kind in self.sections.records:
                for number, entry in enumerate(data.get(kind) or [], 1):
                    self.record(source, kind, entry, number)
            for link_kind in self.sections.top_level_links:
                for number, entry in enumerate(data.get(link_kind) or [], 1):
                    self.link(source, link_kind, entry, f"{path.name}: {link_kind} #{number}")
        # After the articles' files: an alias they report is never editorial.
        for path in sorted((self.root / EDITORIAL_FOLDER).glob("*.yaml")):
            self.editorial(path)
        self.finish()
        if self.out.errors:
            raise BuildError(self.out.errors)
        return self.serialise()

    def finish(self):
        rows = [
            (kind, slug, record, self.compiled(kind, record))
            for kind, records in self.defined.items()
            for slug, record in records.items()
        ]
        for kind, slug, record, fields in rows:
            if fields is not None:
                spec = self.sections.records[kind]
                self.validate(record["where"], spec.model, {SLUG: slug, **fields}, spec.key_of)
        for where, kind, slug in self.references:
            if slug not in self.defined[kind]:
                self.error(where, f"unknown {kind[:-1]} {slug!r}: no source file defines it")
        for where, name in self.editorial_names:
            for article, text in sorted(self.texts.items()):
                if spelled(text, name):
                    self.error(
                        where,
                        f"{name!r} is spelled in article {article}: not editorial knowledge, "
                        "give it in that article's file",
                    )
        for kind, slug, record, fields in rows:
            spec = self.sections.records[kind]
            if fields is not None:
                self.put(spec.label, slug, fields, record["where"])
            if (spec.label, slug) not in self.cited:
                self.error(record["where"], "missing citation")

    def compiled(self, kind, record):
        """A record's fixture fields from the values its files gave, or None
        (reported) if a casualty figure is not written as {low: N, high: N}."""
        spec = self.sections.records[kind]
        given, where = record["given"], record["where"]
        fields = {}
        for prefix in spec.model.figure_pairs:
            figures = given.get(prefix)
            if not self.figures_written_well(where, prefix, figures):
                return None
            fields[f"{prefix}_low"] = (figures or {}).get("low")
            fields[f"{prefix}_high"] = (figures or {}).get("high")
        for column in spec.columns:
            if column.name in fields:
                continue
            fields[column.name] = fixture_value(column, given, column.name)
            if column.is_relation and given.get(column.name):
                self.refer(where, column, given[column.name])
            elif column.name in spec.as_text and fields[column.name] is not None:
                fields[column.name] = str(fields[column.name])
        fields[INFERRED] = record["inferred"]
        return fields

    def figures_written_well(self, where, name, figures):
        """The source format's shape of a casualty figure; the model judges the numbers."""
        if figures is None:
            return True
        if not isinstance(figures, dict) or set(figures) - {"low", "high"}:
            self.error(where, f"{name} must be {{low: N, high: N}}")
            return False
        for value in figures.values():
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                self.error(where, f"{name} figures must be whole numbers, got {value!r}")
                return False
        return True

    def serialise(self):
        objects = []
        citation = self.sections.citation.model._meta.label_lower
        for model in output_order():
            if model == citation:
                rows = list(self.out.citations.items())
            else:
                rows = [(slug, fields) for (label, slug), fields in self.out.records.items() if label == model]
            own = [column.name for column in self_references(model)]
            # Rows that point to a row of their own table (an attack to its campaign) after those that do not.
            rows.sort(key=lambda row: (any(row[1].get(name) is not None for name in own), row[0]))
            for _slug, fields in rows:
                fields = dict(fields)
                if has_timestamps(model):
                    fields["created_at"] = self.timestamp
                    fields["updated_at"] = self.timestamp
                objects.append({"model": model, "fields": dict(sorted(fields.items()))})
        return json.dumps(objects, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def model_of(label):
    return apps.get_model(label)


def self_references(label):
    model = model_of(label)
    return [column for column in model._meta.concrete_fields if column.is_relation and column.related_model is model]


def has_timestamps(label):
    return any(column.name == "created_at" for column in model_of(label)._meta.concrete_fields)


def read_dataset(root):
    """The dataset's version and timestamp, from fixtures/dataset.yaml."""
    return yaml.safe_load((Path(root) / "dataset.yaml").read_text(encoding="utf-8"))


def build(root):
    """Compile the sources under `root` (the fixtures folder); return JSON text."""
    dataset = read_dataset(root)
    return Builder(root, dataset["timestamp"]).build()
