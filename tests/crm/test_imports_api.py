"""Imports through the API: in the background, in the chosen mode, and repeat-safe with an
Idempotency-Key."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacekeeper.crm.models import Customer, ImportJob
from pacekeeper.tenancy.services import api_token_create

pytestmark = pytest.mark.django_db

CUSTOMERS = (
    "统一社会信用代码,客户名称,客户经理\n"
    "9131API1,上海华信精密制造有限公司,one_manager\n"
    "9131API2,苏州恒瑞商贸有限公司,one_teammate\n"
)
WITH_A_BAD_ROW = CUSTOMERS + "9131API3,,one_manager\n"


@pytest.fixture
def post_import(world, client, django_capture_on_commit_callbacks):
    _token, secret = api_token_create(user=world.one.lead, name="nightly")

    def post(text: str, *, key: str = "", mode: str = "all_or_nothing", kind: str = "customers"):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        if key:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        upload = SimpleUploadedFile("客户.csv", text.encode())
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/imports", {"file": upload, "kind": kind, "mode": mode}, **headers)
        return response, client.get(f"/api/v1/imports/{response.json().get('id', 0)}", **headers)

    return post


def test_a_file_is_checked_and_imported_in_the_background(post_import):
    created, job = post_import(CUSTOMERS, key="2026-11-22-customers")
    assert created.status_code == 202
    assert job.json()["status"] == "done" and job.json()["report"]["created"] == 2
    assert set(Customer.objects.filter(external_id__startswith="9131API").values_list("name", flat=True)) == {
        "上海华信精密制造有限公司",
        "苏州恒瑞商贸有限公司",
    }


def test_the_same_idempotency_key_returns_the_first_job_and_imports_nothing_again(post_import):
    first, _ = post_import(CUSTOMERS, key="retry-me")
    again, _ = post_import(CUSTOMERS, key="retry-me")
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    assert ImportJob.objects.count() == 1
    assert Customer.objects.filter(external_id__startswith="9131API").count() == 2


def test_the_same_file_sent_again_updates_instead_of_duplicating(post_import):
    post_import(CUSTOMERS, key="monday")
    _again, job = post_import(CUSTOMERS, key="tuesday")
    assert job.json()["report"]["updated"] == 2 and job.json()["report"]["created"] == 0
    assert Customer.objects.filter(external_id__startswith="9131API").count() == 2


def test_all_or_nothing_imports_nothing_when_a_row_is_bad_and_good_rows_only_imports_the_rest(post_import):
    _response, job = post_import(WITH_A_BAD_ROW)
    assert job.json()["status"] == "rejected" and job.json()["report"]["bad_rows"] == 1
    assert not Customer.objects.filter(external_id__startswith="9131API").exists()
    _response, job = post_import(WITH_A_BAD_ROW, mode="good_rows_only")
    assert job.json()["status"] == "done" and job.json()["report"]["created"] == 2


def test_a_file_over_the_limit_is_refused_with_413(post_import, settings):
    settings.IMPORT_MAX_BYTES = 10
    response, _job = post_import(CUSTOMERS)
    assert response.status_code == 413 and "larger than the limit" in response.json()["detail"]
    assert not ImportJob.objects.exists()


def test_an_unknown_kind_or_mode_is_refused(post_import):
    assert post_import(CUSTOMERS, kind="payouts")[0].status_code == 422
    assert post_import(CUSTOMERS, mode="most_rows")[0].status_code == 422
    assert not ImportJob.objects.exists()
