"""The bugs the fuzzing found, one plain example each, so that each stays fixed
whatever the generator happens to draw."""

import base64

import pytest

API = "/api/v1/"
ATTACKS = API + "attacks/"


def cursor(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def get(client, url, expect=200, **params):
    response = client.get(url, params)
    assert response.status_code == expect, response.content[:500]
    return response


@pytest.mark.parametrize("page", ["0", "-1", "many", "1.5", "²"])
def test_a_page_that_is_not_a_whole_number_from_1_is_400(client, one_of_each, page):
    # Was a 404 ("Invalid page."), undocumented for lists.
    assert get(client, ATTACKS, expect=400, page=page).json() == {"page": ["Give a whole number from 1."]}


def test_a_page_size_of_other_digits_is_400_not_500(client, one_of_each):
    # "²".isdigit() is true, and int("²") raised.
    assert "page_size" in get(client, ATTACKS, expect=400, page_size="²").json()


@pytest.mark.parametrize("url", [ATTACKS, ATTACKS + "crocus-city-hall-attack/", ATTACKS + "sync/"])
def test_an_unknown_format_is_400_naming_the_formats(client, one_of_each, url):
    # Was DRF's bare 404.
    assert get(client, url, expect=400, format="xml").json() == {"format": ["Give one of json, csv."]}


def test_an_unsupported_method_is_405_whatever_the_query(client, one_of_each):
    response = client.generic("TRACE", ATTACKS + "crocus-city-hall-attack/?format=0")
    assert response.status_code == 405 and "GET" in response["Allow"]


def test_include_text_takes_a_boolean(client, one_of_each):
    url = API + "articles/"
    assert "include_text" in get(client, url, expect=400, include_text="maybe").json()
    assert "text" not in get(client, url, include_text="false").json()["results"][0]
    assert "text" in get(client, url, include_text="1").json()["results"][0]


@pytest.mark.parametrize("name", ["search", "organisation", "cursor", "ordering", "unknown"])
def test_a_nul_character_in_the_query_is_400(client, one_of_each, name):
    # PostgreSQL refuses NUL in a string: a 500 there.
    url = ATTACKS + "sync/" if name == "cursor" else ATTACKS
    assert get(client, url, expect=400, **{name: "a\x00b"}).json() == {name: ["Null characters are not allowed."]}


def test_a_nul_character_in_a_slug_is_a_json_404(client, one_of_each):
    assert "detail" in get(client, ATTACKS + "a%00b/", expect=404).json()


def test_a_slug_with_a_dot_is_a_json_404(client, one_of_each):
    # DRF's default lookup stopped at dots: Django's HTML 404 page.
    response = get(client, ATTACKS + "a.b/", expect=404)
    assert response["Content-Type"] == "application/json" and "detail" in response.json()


@pytest.mark.parametrize("value", ["%s", "%d%%", "20%", "٢٠١٦"])
def test_a_malformed_date_is_400(client, one_of_each, value):
    # A `%` in the value made django-filter's message formatting raise: 500.
    assert "date_from" in get(client, ATTACKS, expect=400, date_from=value).json()


def test_an_empty_choice_is_left_out_like_any_empty_parameter(client, one_of_each):
    everything = get(client, ATTACKS).json()["count"]
    assert get(client, ATTACKS, kind="", country="", date_from="", page="", format="").json()["count"] == everything


@pytest.mark.parametrize(
    "since, count",
    [
        ("2000-01-01T00:00:00+21:38", 2),  # PostgreSQL refused the offset: 500
        ("0001-01-01T00:00:00+05:00", 2),  # before the first instant in UTC: overflowed
        ("9999-12-31T23:59:59-05:00", 0),  # after the last one
    ],
)
def test_updated_since_takes_any_offset(client, one_of_each, since, count):
    assert get(client, ATTACKS, updated_since=since).json()["count"] == count


@pytest.mark.parametrize(
    "position",
    ["2024-01-01T00:00:00+00:00|99999999999999999999", "2024-01-01T00:00:00+00:00|0", "0001-01-01T00:00:00+05:00|1"],
)
def test_a_cursor_the_api_did_not_issue_is_400(client, one_of_each, position):
    assert "cursor" in get(client, ATTACKS + "sync/", expect=400, cursor=cursor(position)).json()


def test_a_cursor_with_another_offset_is_read_in_utc(client, one_of_each):
    page = get(client, ATTACKS + "sync/", cursor=cursor("2000-01-01T00:00:00+21:38|1")).json()
    assert len(page["results"]) == 2


def test_blank_choices_and_urls_are_null(client, one_of_each):
    # The schema says an enum and a URI; "" was neither.
    attack = get(client, ATTACKS + "crocus-city-hall-attack/").json()
    assert attack["attack_type"] is None and attack["target_type"] is None and attack["weapon_type"] is None
    article = get(client, API + "articles/test-article/").json()
    assert article["url"] is None
    assert get(client, API + "citations/", page_size=1).json()["results"][0]["article"]["url"] is None


def test_blank_choices_stay_empty_in_csv(client, one_of_each):
    rows = get(client, ATTACKS + "crocus-city-hall-attack/", format="csv").content.decode().splitlines()
    header, row = rows[0].split(","), rows[1].split(",")
    assert row[header.index("attack_type")] == ""
