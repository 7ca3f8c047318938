"""Bulk data: the published CSV dataset and synthetic data for scale tests.

- `columns` and `spec`: the one definition of every exported file and column,
  from which the CSV writer, the importer and the codebook all work;
- `writer`: `export_dataset`, streaming every table to CSV with a manifest;
- `codebook`: the codebook (Markdown and JSON) generated from the spec;
- `importer`: loads an exported directory back into an empty database;
- `synthetic`: reproducible synthetic records in bulk, and their removal.
"""
