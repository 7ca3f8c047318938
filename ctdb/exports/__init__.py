"""The published CSV dataset, an installed app owning `export_dataset` and `import_dataset`.

- `columns` and `spec`: the machinery of every exported file and column; each
  domain folder declares its own files in `<domain>/export.py`, and `spec`
  gathers them into `TABLES`, from which the CSV writer, the importer, the
  codebook and the admin's import resources all work;
- `writer` and `copy`: `export_dataset`, streaming every table to CSV with a
  manifest (on PostgreSQL, one COPY per file);
- `codebook`: the codebook (Markdown and JSON) generated from the spec;
- `importer`: loads an exported directory back into an empty database.
"""
