"""The export page's "Select all" box, in a real browser under the site's
own Content-Security-Policy: it clears and checks every column's box, and
the browser reports no violation (import-export's inline onchange handler
was refused: "Executing inline event handler violates ... script-src 'self'")."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COLUMN_BOXES = '.selectable-field-export-row input[type="checkbox"]'


@pytest.fixture
def watched(page):
    """The tab, recording policy violations and script errors."""
    page.problems = []
    page.on(
        "console",
        lambda message: page.problems.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return page


def test_select_all_works_under_the_policy(watched, superuser, log_in, one_of_each):
    page = watched
    log_in(superuser, "/admin/core/attack/export/")
    page.goto("/admin/core/attack/export/")
    assert "script-src 'self'" in page.evaluate(
        "async () => (await fetch(location.href)).headers.get('content-security-policy')"
    )
    boxes = page.locator(COLUMN_BOXES)
    count = boxes.count()
    assert count > 10  # one per column of attacks.csv
    assert all(boxes.nth(index).is_checked() for index in range(count))
    page.click(".select-toggle")
    assert not any(boxes.nth(index).is_checked() for index in range(count))
    page.click(".select-toggle")
    assert all(boxes.nth(index).is_checked() for index in range(count))
    # The label is tied to the box: clicking it clears them too.
    page.click("label[for=select-all-toggle]")
    assert not any(boxes.nth(index).is_checked() for index in range(count))
    assert page.problems == []
