"""Synthetic data in bulk, for scale tests, and its removal.

`engine.generate(attacks=N, seed=S)` writes realistic-shaped records:
organisations with aliases and relationships, actors with aliases and
affiliations, agreements with parties and targets, campaigns, and N attacks
(campaigns included) with attributions and links, every record and link cited
from a synthetic article whose text contains the quote at the cited offsets.

- **One generator per domain**: each domain folder's `synthetic` module holds
  its records' columns and the blocks that make them (`discovery` says what a
  module declares). This package is the engine: the random draws (`draws`),
  the writer (`sink`), the phases and batches (`generator`), and the entry
  points (`engine`). It names no model.
- **Never mixed with curated data**: every slug starts with `synthetic-`
  (aliases belong to synthetic owners), synthetic citations quote only
  synthetic articles, and `engine.remove()` deletes exactly those rows.
- **Reproducible**: the same seed gives the same slugs and values. Each block
  of `generator.BLOCK` records draws from its own random stream, seeded by
  (seed, phase, block), and rows are numbered in generation order, so the
  batch size and the database change only the ids and the creation time.
- **Fast**: ids are taken from the table's sequence in bulk, so rows and the
  rows that refer to them are built in Python before any insert; each batch
  is one COPY per table on PostgreSQL (`bulk_create` elsewhere), written by a
  background thread while the next batch is built. Inserts bypass `save()`,
  so `search_text` and `text_sha256` are computed here. No history rows are
  written: synthetic records have no editorial history.
"""
