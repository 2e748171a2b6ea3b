"""Imports as Chinese offices produce the files: encodings, headers, dates, amounts, bad rows."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation

from pacekeeper.crm.exports import export_file
from pacekeeper.crm.imports import import_apply, import_check
from pacekeeper.crm.models import Contact, Customer, Interaction, Sale
from pacekeeper.errors import ValidationFailed

ZH_CUSTOMERS = (
    "统一社会信用代码,客户名称,行业,客户等级,区域,状态,客户经理\n"
    "91310000AAAA,上海华信精密制造有限公司,制造业,战略客户,浦东,活跃,one_manager\n"
    "91310000BBBB,苏州恒瑞商贸有限公司,批发零售,中小企业,苏南,潜在客户,one_teammate\n"
)


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_it_reads_chinese_csv_in_every_encoding_excel_writes(world, encoding):
    report = import_apply(
        actor=world.one.actor("lead"), kind="customers", data=ZH_CUSTOMERS.encode(encoding), filename="客户.csv"
    )
    assert report.errors == [] and report.created == 2
    customer = Customer.objects.get(external_id="91310000AAAA")
    assert (customer.name, customer.tier, customer.status, customer.owner) == (
        "上海华信精密制造有限公司",
        "strategic",
        "active",
        world.one.manager,
    )
    assert Customer.objects.get(external_id="91310000BBBB").tier == "sme"


def test_it_reads_xlsx_with_english_headers_and_typed_cells(world):
    data = _xlsx(
        [
            ["Order No", "Customer", "Order date", "Amount", "Margin", "Product line"],
            ["SO-1", world.one.customers["manager"].external_id, dt.datetime(2026, 3, 5), 1234.5, 100, "Loans"],
            ["SO-2", world.one.customers["manager"].external_id, 46086, "¥1,234.50", "", "Deposits"],  # Excel serial
        ]
    )
    report = import_apply(actor=world.one.actor("manager"), kind="sales", data=data, filename="sales.xlsx")
    assert report.errors == [] and report.created == 2
    first, second = Sale.objects.get(external_id="SO-1"), Sale.objects.get(external_id="SO-2")
    assert (first.ordered_on, first.amount_minor, first.margin_minor) == (dt.date(2026, 3, 5), 123450, 10000)
    assert (second.ordered_on, second.amount_minor, second.margin_minor) == (dt.date(2026, 3, 5), 123450, None)
    assert first.manager == world.one.manager  # credited to the customer's owner by default


@pytest.mark.parametrize(
    "written,expected",
    [
        ("2026-03-05", dt.date(2026, 3, 5)),
        ("2026/3/5", dt.date(2026, 3, 5)),
        ("2026年3月5日", dt.date(2026, 3, 5)),
        ("46086", dt.date(2026, 3, 5)),
        ("2026-03-05 14:30:00", dt.date(2026, 3, 5)),
    ],
)
def test_it_reads_dates_as_people_write_them(world, written, expected):
    csv = f"订单号,客户编号,下单日期,金额\nSO-9,{world.one.customers['manager'].external_id},{written},100\n"
    report = import_apply(actor=world.one.actor("manager"), kind="sales", data=csv.encode(), filename="s.csv")
    assert report.errors == []
    assert Sale.objects.get(external_id="SO-9").ordered_on == expected


@pytest.mark.parametrize(
    "written,minor",
    [('"1,234.50"', 123450), ("¥1234.5", 123450), ("￥ 88", 8800), ("1234元", 123400), ("-12.5", -1250), ("0.005", 1)],
)
def test_it_reads_amounts_as_people_write_them(world, written, minor):
    csv = f"订单号,客户编号,下单日期,金额\nSO-8,{world.one.customers['manager'].external_id},2026-03-05,{written}\n"
    report = import_apply(actor=world.one.actor("manager"), kind="sales", data=csv.encode(), filename="s.csv")
    assert report.errors == []
    assert Sale.objects.get(external_id="SO-8").amount_minor == minor


def _bad_sales(world) -> bytes:
    mine = world.one.customers["manager"].external_id
    theirs = world.one.customers["teammate"].external_id
    return (
        "order no,customer,order date,amount\n"
        f"OK-1,{mine},2026-03-05,100\n"
        f"BAD-1,{mine},2026-02-30,100\n"  # no such date
        f"BAD-2,{mine},2026-03-05,lots\n"  # not an amount
        f"BAD-3,{theirs},2026-03-05,100\n"  # customer outside my portfolio
        f"OK-2,{mine},2026/3/6,200\n"
        f"OK-1,{mine},2026-03-07,300\n"  # repeats an id of this file
    ).encode()


def test_it_reports_every_bad_row_and_imports_nothing_by_default(world):
    report = import_apply(actor=world.one.actor("manager"), kind="sales", data=_bad_sales(world), filename="s.csv")
    assert not report.applied
    assert [(e.row, e.field, e.value) for e in report.errors] == [
        (3, "ordered_on", "2026-02-30"),
        (4, "amount", "lots"),
        (5, "customer", world.one.customers["teammate"].external_id),
        (7, "external_id", "OK-1"),
    ]
    assert all(e.reason for e in report.errors)
    # The report names columns as the file does.
    assert [e["column"] for e in report.as_dict()["errors"]] == ["order date", "amount", "customer", "order no"]
    assert not Sale.objects.exists()


def test_it_imports_only_the_good_rows_when_asked(world):
    report = import_apply(
        actor=world.one.actor("manager"), kind="sales", data=_bad_sales(world), filename="s.csv", mode="good_rows_only"
    )
    assert report.applied and report.created == 2 and report.bad_rows == 4
    assert set(Sale.objects.values_list("external_id", flat=True)) == {"OK-1", "OK-2"}


def test_it_checks_without_writing(world):
    report = import_check(actor=world.one.actor("manager"), kind="sales", data=_bad_sales(world), filename="s.csv")
    assert (report.total, report.bad_rows) == (6, 4)
    assert not Sale.objects.exists()


def test_it_updates_by_external_id_when_the_same_file_comes_again(world):
    actor = world.one.actor("lead")
    import_apply(actor=actor, kind="customers", data=ZH_CUSTOMERS.encode(), filename="c.csv")
    changed = ZH_CUSTOMERS.replace("上海华信精密制造有限公司", "上海华信精密制造股份有限公司")
    report = import_apply(actor=actor, kind="customers", data=changed.encode(), filename="c.csv")
    assert (report.created, report.updated) == (0, 2)
    assert Customer.objects.filter(external_id="91310000AAAA").get().name == "上海华信精密制造股份有限公司"


def test_it_does_not_let_an_import_overwrite_a_record_outside_scope(world):
    theirs = world.one.customers["other_manager"]
    csv = f"客户编号,客户名称\n{theirs.external_id},Hijacked\n"
    report = import_apply(actor=world.one.actor("lead"), kind="customers", data=csv.encode(), filename="c.csv")
    assert not report.applied and report.errors[0].field == "external_id"
    theirs.refresh_from_db()
    assert theirs.name != "Hijacked"


def test_it_imports_contacts_and_interactions_and_moves_follow_ups(world):
    customer = world.one.customers["manager"]
    contacts = f"客户编号,联系人,职务,手机,是否决策人\n{customer.external_id},李总,总经理,13800000000,是\n"
    report = import_apply(
        actor=world.one.actor("manager"), kind="contacts", data=contacts.encode("gbk"), filename="c.csv"
    )
    assert report.created == 1 and Contact.objects.get(name="李总").is_decision_maker
    visits = f"客户编号,日期,方式,内容\n{customer.external_id},2026/5/20,拜访,年度回访\n"
    for _ in range(2):  # the same file twice: one visit
        import_apply(actor=world.one.actor("manager"), kind="interactions", data=visits.encode(), filename="v.csv")
    assert Interaction.objects.filter(customer=customer).count() == 1
    customer.refresh_from_db()
    assert (customer.last_contacted_on, customer.next_due_on) == (dt.date(2026, 5, 20), dt.date(2026, 7, 19))


def test_it_names_missing_columns(world):
    with pytest.raises(ValidationFailed) as error:
        import_check(actor=world.one.actor("manager"), kind="sales", data=b"foo,bar\n1,2\n", filename="x.csv")
    assert "external_id" in str(error.value) and "amount" in str(error.value)


def test_it_names_missing_columns_by_their_header_in_the_users_language(world):
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as error:
        import_check(
            actor=world.one.actor("manager"), kind="sales", data="客户编号,金额\n1,2\n".encode(), filename="x.csv"
        )
    message = str(error.value)
    assert "订单号" in message and "下单日期" in message
    assert "external_id" not in message and "ordered_on" not in message


def test_it_reports_every_bad_cell_of_a_row(world):
    mine = world.one.customers["manager"].external_id
    data = f"订单号,客户编号,下单日期,金额,状态\nS-1,{mine},2026-02-30,lots,maybe\n,nobody,,,\n".encode()
    report = import_check(actor=world.one.actor("manager"), kind="sales", data=data, filename="s.csv")
    assert [(e.row, e.field) for e in report.errors] == [
        (2, "ordered_on"),
        (2, "amount"),
        (2, "status"),
        (3, "customer"),
        (3, "external_id"),
        (3, "ordered_on"),
        (3, "amount"),
    ]
    assert report.bad_rows == 2
    # A column the file lacks is named by its header all the same (an admin must name owners).
    with translation.override("zh-hans"):
        data = "客户编号,客户名称\nC-1,华信\n".encode()
        report = import_check(actor=world.one.actor("admin"), kind="customers", data=data, filename="c.csv")
        assert [e["column"] for e in report.as_dict()["errors"]] == ["客户经理"]


def test_it_refuses_a_file_whose_name_and_content_disagree(world):
    with pytest.raises(ValidationFailed):
        import_check(actor=world.one.actor("manager"), kind="sales", data=b"a,b\n", filename="x.xlsx")


def test_it_neutralises_formulas_in_exports(world, tmp_path):
    customer = world.one.customers["manager"]
    customer.name = '=HYPERLINK("http://evil")'
    customer.needs = "+1 call me"
    customer.save()
    path = tmp_path / "customers.csv"
    export_file("customers", str(path), actor=world.one.actor("manager"))
    text = path.read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1 call me" in text
    xlsx_path = tmp_path / "customers.xlsx"
    export_file("customers", str(xlsx_path), actor=world.one.actor("manager"))
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert sheet.cell(row=2, column=2).value == '\'=HYPERLINK("http://evil")'


def test_it_round_trips_an_export_through_import(world, tmp_path):
    path = tmp_path / "customers.xlsx"
    export_file("customers", str(path), actor=world.one.actor("lead"))
    report = import_apply(
        actor=world.one.actor("lead"), kind="customers", data=path.read_bytes(), filename="customers.xlsx"
    )
    assert report.errors == [] and report.updated == 4 and report.created == 0


def test_it_imports_from_the_command_line(world, tmp_path, capsys):
    path = tmp_path / "customers.csv"
    path.write_bytes(ZH_CUSTOMERS.encode("gbk"))
    call_command("import", "customers", str(path), "--user", "one_lead")
    assert "2 created" in capsys.readouterr().out
    assert Customer.objects.filter(external_id__startswith="91310000").count() == 2


def test_a_file_over_the_row_limit_is_refused_before_anything_is_written(world, settings):
    settings.IMPORT_MAX_ROWS = 2
    mine = world.one.customers["manager"].external_id
    data = "订单号,客户编号,下单日期,金额\n" + "".join(f"L-{n},{mine},2026-03-05,100\n" for n in range(3))
    with pytest.raises(ValidationFailed) as error:
        import_apply(actor=world.one.actor("manager"), kind="sales", data=data.encode(), filename="s.csv")
    assert "more than 2 rows" in str(error.value)
    assert not Sale.objects.filter(external_id__startswith="L-").exists()


def test_it_counts_every_bad_row_but_keeps_only_the_first_problems(world, monkeypatch):
    monkeypatch.setattr("pacekeeper.crm.imports.KEPT_ERRORS", 3)
    data = "订单号,客户编号,下单日期,金额\n" + "".join(f"B-{n},nobody,never,lots\n" for n in range(5))
    report = import_check(actor=world.one.actor("manager"), kind="sales", data=data.encode(), filename="s.csv")
    summary = report.as_dict()
    assert (summary["bad_rows"], summary["good_rows"], summary["error_count"]) == (5, 0, 15)
    assert len(summary["errors"]) == 3


# --- an update changes only the columns the file has ---------------------------------------------

FULL_CUSTOMER = (
    "客户编号,客户名称,行业,客户等级,区域,状态,客户经理,客户来源,创建日期,需求\n"
    "91310000CCCC,宁波港联物流有限公司,物流,战略客户,宁波,活跃,one_manager,展会,2024-03-01,冷链仓储\n"
)


def test_an_update_keeps_the_customer_fields_the_file_leaves_out(world):
    actor = world.one.actor("lead")
    import_apply(actor=actor, kind="customers", data=FULL_CUSTOMER.encode(), filename="c.csv")
    only_names = "external_id,name\n91310000CCCC,宁波港联物流股份有限公司\n"
    report = import_apply(actor=actor, kind="customers", data=only_names.encode(), filename="c.csv")
    assert report.updated == 1
    customer = Customer.objects.get(external_id="91310000CCCC")
    assert customer.name == "宁波港联物流股份有限公司"
    assert (customer.industry, customer.tier, customer.region, customer.source, customer.needs) == (
        "物流",
        "strategic",
        "宁波",
        "展会",
        "冷链仓储",
    )
    assert customer.created_on == dt.date(2024, 3, 1)


def test_a_blank_cell_clears_optional_text_and_keeps_what_cannot_be_blank(world):
    actor = world.one.actor("lead")
    import_apply(actor=actor, kind="customers", data=FULL_CUSTOMER.encode(), filename="c.csv")
    blanks = "客户编号,客户名称,行业,客户等级,状态,创建日期\n91310000CCCC,宁波港联物流有限公司,,,,\n"
    import_apply(actor=actor, kind="customers", data=blanks.encode(), filename="c.csv")
    customer = Customer.objects.get(external_id="91310000CCCC")
    assert customer.industry == ""  # optional text: a blank cell clears it
    assert (customer.tier, customer.status, customer.created_on) == ("strategic", "active", dt.date(2024, 3, 1))


def test_a_new_customer_takes_the_defaults_for_what_the_file_leaves_out(world):
    actor = world.one.actor("lead")
    import_apply(actor=actor, kind="customers", data=b"external_id,name\n91310000DDDD,New Co\n", filename="c.csv")
    customer = Customer.objects.get(external_id="91310000DDDD")
    assert (customer.tier, customer.status, customer.created_on) == ("standard", "active", actor.today())


def test_an_update_keeps_the_sale_fields_the_file_leaves_out(world):
    actor = world.one.actor("manager")
    customer = world.one.customers["manager"].external_id
    full = f"订单号,客户编号,下单日期,金额,毛利,产品线,状态\nSO-1,{customer},2026-05-20,1000,300,Valves,已取消\n"
    import_apply(actor=actor, kind="sales", data=full.encode(), filename="s.csv")
    lean = f"订单号,客户编号,下单日期,金额\nSO-1,{customer},2026-05-21,1200\n"
    assert import_apply(actor=actor, kind="sales", data=lean.encode(), filename="s.csv").updated == 1
    sale = Sale.objects.get(external_id="SO-1")
    assert (sale.ordered_on, sale.amount_minor) == (dt.date(2026, 5, 21), 120000)
    assert (sale.margin_minor, sale.product_line, sale.status) == (30000, "Valves", "cancelled")
    cleared = f"订单号,客户编号,下单日期,金额,毛利\nSO-1,{customer},2026-05-21,1200,\n"
    import_apply(actor=actor, kind="sales", data=cleared.encode(), filename="s.csv")
    assert Sale.objects.get(external_id="SO-1").margin_minor is None  # a blank margin clears it


def test_an_update_keeps_the_contact_and_interaction_fields_the_file_leaves_out(world):
    actor = world.one.actor("manager")
    customer = world.one.customers["manager"].external_id
    contacts = "客户编号,联系人,联系人编号,职务,手机,邮箱,是否决策人\n" + (
        f"{customer},李总,C-1,总经理,13800000000,li@example.cn,是\n"
    )
    import_apply(actor=actor, kind="contacts", data=contacts.encode(), filename="c.csv")
    retitled = f"客户编号,联系人,职务\n{customer},李总,董事长\n"
    import_apply(actor=actor, kind="contacts", data=retitled.encode(), filename="c.csv")
    contact = Contact.objects.get(name="李总")
    assert (contact.title, contact.external_id, contact.phone, contact.email) == (
        "董事长",
        "C-1",
        "13800000000",
        "li@example.cn",
    )
    assert contact.is_decision_maker
    visits = (
        "客户编号,日期,方式,内容,结果,下一步,下一步日期,记录编号\n"
        f"{customer},2026/5/20,电话,年度回访,续约,寄送报价,2026-06-01,V-1\n"
    )
    import_apply(actor=actor, kind="interactions", data=visits.encode(), filename="v.csv")
    lean = f"客户编号,日期,内容,记录编号\n{customer},2026/5/20,年度回访（补记）,V-1\n"
    assert import_apply(actor=actor, kind="interactions", data=lean.encode(), filename="v.csv").updated == 1
    visit = Interaction.objects.get(external_id="V-1")
    assert visit.summary == "年度回访（补记）"
    assert (visit.kind, visit.outcome, visit.next_step, visit.next_step_on) == (
        "call",
        "续约",
        "寄送报价",
        dt.date(2026, 6, 1),
    )
