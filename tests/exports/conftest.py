"""Helpers shared by the export and synthetic-data tests."""

import csv

from ctdb.core import models
from ctdb.exports.spec import TABLES


def read_rows(path):
    """Every row of a CSV file (header first), BOM or not."""
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def empty_database():
    """Delete every record, in an order the PROTECT foreign keys allow."""
    models.Attack.objects.update(campaign=None)
    for table in reversed(TABLES):
        table.model.objects.all().delete()
    assert all(not table.model.objects.exists() for table in TABLES)
