"""Pages where a person acts on a mistake: each choice says what it does, errors sit beside their field."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacekeeper.crm.models import Customer

pytestmark = pytest.mark.django_db

TWO_GOOD_ONE_BAD = (
    "统一社会信用代码,客户名称,客户经理\n9131P1,甲公司,one_manager\n9131P2,乙公司,one_manager\n9131P3,,one_manager\n"
)


def _checked_job(client, text: str, capture) -> str:
    with capture(execute=True):
        response = client.post("/imports/", {"kind": "customers", "file": SimpleUploadedFile("c.csv", text.encode())})
    return response.url


def test_the_confirmation_offers_no_choice_that_contradicts_its_button(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.one.lead)
    job_url = _checked_job(client, TWO_GOOD_ONE_BAD, django_capture_on_commit_callbacks)
    page = client.get(job_url).content.decode()
    # No preselected "import nothing" under a button that says "import 2 rows": each button
    # carries its own mode and says what it does.
    assert "checked" not in page
    buttons = dict(re.findall(r'<button[^>]*name="mode" value="(\w+)"[^>]*>([^<]+)</button>', page))
    assert buttons == {
        "good_rows_only": "Import the 2 good rows only",
        "all_or_nothing": "Import nothing; I will fix the file",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{job_url}run/", {"mode": "good_rows_only"})
    assert Customer.objects.filter(external_id__startswith="9131P").count() == 2


def test_a_clean_file_is_imported_by_the_one_button(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.one.lead)
    job_url = _checked_job(client, TWO_GOOD_ONE_BAD.rsplit("9131P3", 1)[0], django_capture_on_commit_callbacks)
    page = client.get(job_url).content.decode()
    assert re.findall(r'<button[^>]*name="mode" value="(\w+)"[^>]*>([^<]+)</button>', page) == [
        ("all_or_nothing", "Import 2 rows")
    ]


def test_a_negative_opportunity_amount_is_named_beside_its_field_and_keeps_the_form(world, client):
    from pacekeeper.crm.models import Opportunity

    customer = world.one.customers["manager"]
    client.force_login(world.one.manager)
    response = client.post(
        f"/customers/{customer.pk}/opportunities/",
        {"name": "续贷方案", "stage": "lead", "amount": "-5000"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'<details class="inline-details" open>', page)  # the form stays open
    amount_field = page[page.index('id="id_amount"') - 400 : page.index('id="id_amount"') + 400]
    assert "has-error" in amount_field and 'value="-5000"' in amount_field
    assert "greater than or equal to 0" in amount_field
    assert 'value="续贷方案"' in page
    assert not Opportunity.objects.filter(name="续贷方案").exists()


def test_a_follow_up_note_longer_than_the_api_takes_is_refused_beside_its_field(world, client):
    from pacekeeper.crm.models import Interaction

    customer = world.one.customers["manager"]
    client.force_login(world.one.manager)
    response = client.post(f"/customers/{customer.pk}/log/", {"kind": "visit", "summary": "长" * 10001})
    page = response.content.decode()
    assert response.status_code in (200, 400) and "at most 10000 characters" in page
    assert not Interaction.objects.filter(customer=customer).exists()
    form = client.get(f"/customers/{customer.pk}/log/").content.decode()
    assert 'maxlength="10000"' in form
