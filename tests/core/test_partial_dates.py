"""Partial dates keep their precision through the database and back."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from ctdb.core import partial_dates
from ctdb.core.models import Organisation


@pytest.mark.parametrize(
    ("value", "precision", "first", "last"),
    [
        ("2016", "year", datetime.date(2016, 1, 1), datetime.date(2016, 12, 31)),
        ("2016-02", "month", datetime.date(2016, 2, 1), datetime.date(2016, 2, 29)),
        ("2016-12", "month", datetime.date(2016, 12, 1), datetime.date(2016, 12, 31)),
        ("2016-07-04", "day", datetime.date(2016, 7, 4), datetime.date(2016, 7, 4)),
    ],
)
def test_precision_and_bounds(value, precision, first, last):
    assert partial_dates.precision(value) == precision
    assert partial_dates.first_day(value) == first
    assert partial_dates.last_day(value) == last


@pytest.mark.parametrize("value", ["16", "2016-13", "2016-02-30", "2015-02-29", "2016-7", "2016/07", "0000", "x"])
def test_invalid_values_are_refused(value):
    with pytest.raises(ValueError):
        partial_dates.parse(value)
    with pytest.raises(ValidationError):
        partial_dates.validate_partial_date(value)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2014", "2014-06", "2014-06-29", None])
def test_round_trip_through_the_database(value):
    Organisation.objects.create(slug="x", name_en="X", kind="militant_group", founded=value)
    stored = Organisation.objects.get(slug="x")
    assert stored.founded == value
    assert stored.founded_precision == partial_dates.precision(value)


@pytest.mark.django_db
def test_model_validation_refuses_impossible_day():
    organisation = Organisation(slug="x", name_en="X", kind="militant_group", founded="2016-02-30")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "founded" in error.value.message_dict
