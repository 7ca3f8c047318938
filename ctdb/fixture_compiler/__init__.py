"""The fixture compiler: the curated YAML sources under fixtures/ into one Django fixture, and its loading."""
