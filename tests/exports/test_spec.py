"""The dataset's files are gathered from the domain folders' export modules,
in an order in which they can be loaded, derived from the models' foreign keys."""

import pytest

from ctdb.core.domains import domain_modules
from ctdb.core.models import Citation
from ctdb.core.registry import references
from ctdb.exports.spec import TABLES, Table, in_load_order
from ctdb.sources.export import CITATION_TARGET_FILES
from ctdb.sources.models import CITATION_TARGETS

TABLE_OF = {table.model: table for table in TABLES}


def test_every_file_comes_from_a_domain_folder_once():
    declared = [table for module in domain_modules("export") for table in module.TABLES]
    assert sorted(declared, key=lambda table: table.name) == sorted(TABLES, key=lambda table: table.name)
    assert len({table.name for table in TABLES}) == len(TABLES) == len(TABLE_OF)


def test_every_file_comes_after_the_files_its_foreign_keys_point_to():
    position = {table.model: index for index, table in enumerate(TABLES)}
    for index, table in enumerate(TABLES):
        for model in references(table.model):
            assert position[model] < index, f"{table.filename} is listed before {TABLE_OF[model].filename}"
        for column in table.columns:
            if column.references and column.references != table.name:
                assert column.references in {earlier.name for earlier in TABLES[:index]}, column.name


def test_each_citation_target_is_found_in_the_file_of_the_model_it_points_to():
    for field in CITATION_TARGETS:
        model = Citation._meta.get_field(field).related_model
        assert CITATION_TARGET_FILES[field] == TABLE_OF[model].name, field


def test_the_given_order_decides_where_the_foreign_keys_allow_either():
    tables = {table.name: table for table in TABLES}
    given = [tables[name] for name in ("attributions", "actors", "attacks", "organisations")]
    assert [table.name for table in in_load_order(given)] == ["actors", "attacks", "organisations", "attributions"]


def test_a_file_order_that_cannot_exist_is_refused():
    tables = {table.name: table for table in TABLES}
    looped = Table("organisations", tables["organisations"].model, "", (), after=("actors",))
    actors = Table("actors", tables["actors"].model, "", (), after=("organisations",))
    with pytest.raises(RuntimeError, match="need each other"):
        in_load_order([looped, actors])
    with pytest.raises(LookupError, match="no-such-file"):
        in_load_order([Table("actors", tables["actors"].model, "", (), after=("no-such-file",))])
