"""`pacekeeper bench import`: import N sales rows from CSV, with full validation, into
PostgreSQL and SQLite, and compare with PostgreSQL's own COPY of the same file into an
unindexed staging table, measured in the same run.

The file is what an office would send: Chinese headers, GBK-free UTF-8 with BOM, amounts with
thousands separators, dates in two styles, customers by credit code, managers by username.
"""

import contextlib
import csv
import datetime as dt
import io
import json
import random
import threading
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test import Client

from pacekeeper.crm.imports import import_apply
from pacekeeper.crm.models import Customer, Sale
from pacekeeper.demo.seed import seed_organization
from pacekeeper.tenancy.models import Role, User
from pacekeeper.tenancy.scopes import actor_for
from pacekeeper.tenancy.services import api_token_create

HEADER = ["订单号", "客户编号", "下单日期", "金额", "毛利", "产品线", "客户经理"]
UNTIL = dt.date(2026, 6, 30)


def write_sales_csv(path: Path, *, rows: int, customers: list[tuple[str, str]], seed: int = 1) -> None:
    rng = random.Random(seed)
    products = ["对公存款", "流动资金贷款", "供应链金融", "现金管理", "国际结算"]
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for number in range(rows):
            external_id, manager = customers[rng.randrange(len(customers))]
            day = UNTIL - dt.timedelta(days=rng.randrange(720))
            written_day = day.isoformat() if number % 2 else f"{day.year}/{day.month}/{day.day}"
            fen = rng.randrange(100, 500_000_00)
            amount = f"{fen // 100:,}.{fen % 100:02d}"
            writer.writerow(
                [
                    f"B{number:08d}",
                    external_id,
                    written_day,
                    amount,
                    f"{fen // 400}.{fen % 100:02d}",
                    products[number % len(products)],
                    manager,
                ]
            )


def prepare(rows: int, folder: Path) -> tuple[Path, object]:
    call_command("migrate", verbosity=0)
    seed_organization(managers=50, customers=5000, months=1, seed=1, until=UNTIL)
    customers = [
        (external_id, username)
        for external_id, username in Customer.objects.values_list("external_id", "owner__username")
    ]
    path = folder / f"sales-{rows}.csv"
    if not path.exists():
        write_sales_csv(path, rows=rows, customers=customers)
    admin = User.objects.get(role=Role.ADMIN)
    return path, actor_for(admin, channel="import")


def run_one(rows: int, folder: Path, *, with_writer: bool = False) -> dict:
    """In a child process: time our import; on PostgreSQL also COPY into a staging table. With a
    writer, someone edits a customer through the API all along the import (its longest wait)."""
    path, actor = prepare(rows, folder)
    data = path.read_bytes()
    writer = concurrent_writer(actor.user) if with_writer else contextlib.nullcontext({})
    with writer as waits:
        started = time.perf_counter()
        report = import_apply(actor=actor, kind="sales", data=data, filename=path.name)
        seconds = time.perf_counter() - started
    if report.errors or report.created != rows or Sale.objects.filter(external_id__startswith="B").count() != rows:
        raise SystemExit(f"import went wrong: {report.as_dict()['errors'][:5]}")
    result = {"rows": rows, "seconds": round(seconds, 3), "rows_per_s": round(rows / seconds), **waits}
    if connection.vendor == "postgresql":
        copy_seconds = copy_into_staging(data)
        result["copy_seconds"] = round(copy_seconds, 3)
        result["copy_rows_per_s"] = round(rows / copy_seconds)
        result["vs_copy"] = round(copy_seconds / seconds, 3)
        floor = copy_typed_rows_into_sales_table()
        result["typed_copy_into_sales_table_seconds"] = round(floor, 3)
        result["vs_typed_copy_into_sales_table"] = round(floor / seconds, 3)
    return result


@contextlib.contextmanager
def concurrent_writer(user, pause: float = 0.2):
    """A person PATCHing a customer through the API (token, every middleware) every `pause`
    seconds in a thread of its own, with its own connection, until the block ends. Yields a dict
    that then holds the longest wait of one PATCH, the count and the statuses other than 200."""
    _token, secret = api_token_create(user=user, name="bench writer")
    customer_id = Customer.objects.filter(org_id=user.org_id).order_by("pk").values_list("pk", flat=True).first()
    figures: dict = {}
    stop = threading.Event()

    def write() -> None:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}", raise_request_exception=False)
        waits, failures, number = [], {}, 0
        try:
            while not stop.is_set():
                number += 1
                body = json.dumps({"needs": f"edit {number} during the import"})
                started = time.perf_counter()
                response = client.patch(f"/api/v1/customers/{customer_id}", body, content_type="application/json")
                waits.append(time.perf_counter() - started)
                if response.status_code != 200:
                    failures[str(response.status_code)] = failures.get(str(response.status_code), 0) + 1
                stop.wait(pause)
        finally:
            connection.close()
            figures.update(
                longest_writer_wait_s=round(max(waits, default=0), 3),
                writer_requests=len(waits),
                writer_failures=failures,
            )

    thread = threading.Thread(target=write, name="bench-writer")
    thread.start()
    try:
        yield figures
    finally:
        stop.set()
        thread.join()


SALE_COLUMNS = (
    "org_id, customer_id, manager_id, external_id, ordered_on, product_line, amount_minor, margin_minor, status"
)


def copy_typed_rows_into_sales_table() -> float:
    """The floor of any import into the real table: COPY of rows already typed and resolved
    into crm_sale with its indexes, unique constraint and foreign keys. Takes the rows the
    import just wrote out, deletes them, and times their COPY back in."""
    with connection.cursor() as cursor:
        buffer = io.BytesIO()
        query = f"COPY (SELECT {SALE_COLUMNS} FROM crm_sale WHERE external_id LIKE 'B%%') TO STDOUT"  # noqa: S608 constant
        with cursor.cursor.copy(query) as copy:
            for chunk in copy:
                buffer.write(chunk)
        cursor.execute("DELETE FROM crm_sale WHERE external_id LIKE 'B%%'")
        if connection.get_autocommit():
            cursor.execute("VACUUM crm_sale")
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY crm_sale ({SALE_COLUMNS}) FROM STDIN") as copy:
            buffer.seek(0)
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        return time.perf_counter() - started


def copy_into_staging(data: bytes) -> float:
    """PostgreSQL's COPY of the same CSV into an unindexed table of text columns."""
    columns = ", ".join(f"c{index} text" for index in range(len(HEADER)))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS bench_staging; CREATE TABLE bench_staging ({columns})")
        started = time.perf_counter()
        with cursor.cursor.copy("COPY bench_staging FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            stream = io.BytesIO(data.removeprefix(b"\xef\xbb\xbf"))
            while chunk := stream.read(1 << 20):
                copy.write(chunk)
        return time.perf_counter() - started
