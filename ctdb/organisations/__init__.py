"""Organisations (Organisation, OrganisationAlias, OrganisationRelationship).

One domain folder (settings.CTDB_DOMAINS), with the same file set as the others (docs/adding-a-record-type.md).
"""
