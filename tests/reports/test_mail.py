"""The monthly report e-mail (SPEC §5, §7) on the hand-built October (tests/reports/fixture.py): on the
first working day of November, one message to each unit head with figures and one to the coordinator
office, delivered through the real SMTP server; the figures are summary()'s, the overdue list is the
bucket open_overdue's items, no personal data; once per month and recipient, whatever runs it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from feedback.directory.calendar import WorkCalendar
from feedback.directory.models import Unit
from feedback.directory.reference import reference
from feedback.errors import DomainError
from feedback.items.models import FeedbackItem
from feedback.reports import periods
from feedback.reports.mail import due_period, first_working_day, queue_due, queue_month
from feedback.reports.summary import items, summary
from notifications.models import OutboxMessage
from scheduler.jobs import monthly_report_job
from tests.helpers import body_text, citizen_body, deliver_all
from tests.reports import fixture

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
OCTOBER = periods.month(2026, 10)
# The units with something in October (items, transfers out, cooperations), each with its head on record:
# the ward's offices, the ward, the two departments, and the city above them all.
REPORTED = {"HN", fixture.WARD, fixture.KT, fixture.VP, fixture.VHXH, "SO-YT", "SO-GDDT"}


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=HANOI)


@pytest.mark.parametrize(
    ("now", "month"),
    [
        (local(2026, 11, 1, 9), None),  # Sunday 1/11: not a working day
        (local(2026, 11, 2, 6, 59), None),  # Monday 2/11, the first working day, before 07:00
        (local(2026, 11, 2, 7, 0), (2026, 10)),
        (local(2026, 11, 20, 15), (2026, 10)),  # a service down on 2/11 catches up later in the month
        (local(2026, 11, 30, 23, 59), (2026, 10)),
        (local(2026, 12, 1, 8), (2026, 11)),  # Tuesday 1/12: a working day
        (local(2027, 1, 1, 9), None),  # New Year's Day, a holiday (and a Friday)
        (local(2027, 1, 4, 8), (2026, 12)),  # Monday 4/1/2027
        (local(2026, 5, 1, 9), None),  # 1/5, Labour Day
        (local(2026, 5, 4, 8), (2026, 4)),
        (local(2026, 9, 1, 9), None),  # 1–2/9, National Day
        (local(2026, 9, 3, 8), (2026, 8)),
    ],
)
def test_the_report_is_due_from_the_first_working_day_after_the_month(now, month) -> None:  # noqa: ANN001
    calendar = WorkCalendar(HANOI)
    expected = periods.month(*month) if month else None
    assert due_period(now.astimezone(UTC), calendar) == expected


def test_a_coordinators_extra_day_off_moves_the_first_working_day() -> None:
    assert first_working_day(2026, 12, WorkCalendar(HANOI)) == date(2026, 12, 1)
    day_off = WorkCalendar(HANOI, {date(2026, 12, 1): False})
    assert first_working_day(2026, 12, day_off) == date(2026, 12, 2)
    assert due_period(local(2026, 12, 1, 9), day_off) is None


@pytest_asyncio.fixture
async def october(client, settings, frozen_clock):  # noqa: ANN001
    return await fixture.build(settings, frozen_clock)


async def _messages() -> dict[str, OutboxMessage]:
    return {m.key: m for m in await OutboxMessage.filter(kind="monthly_report")}


def _context(message: OutboxMessage) -> dict:
    return message.context if isinstance(message.context, dict) else json.loads(message.context)


async def test_each_head_and_the_coordinator_office_get_one_report_on_the_first_working_day(
    october, settings, frozen_clock, mailbox
) -> None:
    await deliver_all(settings)
    mailbox.clear()
    frozen_clock.set(local(2026, 11, 1, 9))  # Sunday
    await monthly_report_job(settings)
    frozen_clock.set(local(2026, 11, 2, 6, 30))  # Monday, before the reports' hour
    await monthly_report_job(settings)
    assert await _messages() == {}

    frozen_clock.set(local(2026, 11, 2, 7, 30))
    await monthly_report_job(settings)
    await monthly_report_job(settings)  # at start-up and on the hour, or in a second process: once
    assert await queue_month(settings, OCTOBER, now=frozen_clock.now()) == 0  # a resend queues nothing
    queued = await _messages()
    units = {u.id: u for u in await Unit.filter(code__in=REPORTED)}
    office = await Unit.get(kind="coordinator")
    assert set(queued) == {f"report:2026-10:head:{u}" for u in units} | {
        f"report:2026-10:coordinator:{office.id}"
    }

    assert await deliver_all(settings) == len(REPORTED) + 1
    for unit in units.values():
        [message] = mailbox.to(unit.head_email)
        assert message["Subject"].startswith(
            "Báo cáo kết quả tiếp nhận, giải quyết phản ánh, kiến nghị tháng 10/2026"
        )
    [to_office] = mailbox.to(office.email)
    assert "tháng 10/2026 của toàn thành phố" in to_office["Subject"]

    frozen_clock.set(local(2026, 11, 3, 7, 30))  # the next mornings: nothing more
    assert await queue_due(settings, now=frozen_clock.now()) == 0
    frozen_clock.set(local(2026, 12, 1, 7, 30))  # November's report: the October ones are not repeated
    await monthly_report_job(settings)
    assert not [k for k in await _messages() if k.startswith("report:2026-10:") and k not in queued]


async def test_the_figures_are_summarys_and_the_overdue_list_is_the_open_overdue_items(
    october, settings, frozen_clock, mailbox
) -> None:
    await deliver_all(settings)
    mailbox.clear()
    frozen_clock.set(local(2026, 11, 2, 8))
    assert await queue_due(settings, now=frozen_clock.now()) == len(REPORTED) + 1
    await deliver_all(settings)
    ref = await reference(settings)
    city = (await summary(OCTOBER, ref=ref)).total.as_dict()
    queued = await _messages()
    for code in (fixture.WARD, fixture.KT, "SO-GDDT"):
        unit = ref.unit_by_code(code)
        context = _context(queued[f"report:2026-10:head:{unit.id}"])
        mine = (await summary(OCTOBER, scope=unit, ref=ref)).total.as_dict()
        assert {f["figure"]: f["unit"] for f in context["figures"]} == {
            f["figure"]: mine[f["figure"]] for f in context["figures"]
        }
        assert {f["figure"]: f["city"] for f in context["figures"]} == {
            f["figure"]: city[f["figure"]] for f in context["figures"]
        }
        overdue = await items(OCTOBER, "open_overdue", scope=unit, ref=ref)
        assert sorted(i["code"] for i in context["overdue"]) == sorted(i["code"] for i in overdue)
        assert context["overdue_count"] == mine["open_overdue"] == len(overdue)

        text = body_text(mailbox.to(unit.head_email)[0])
        assert f"Tổng số nhận giải quyết: {mine['total']} (toàn thành phố: {city['total']})" in text
        assert (
            f"Đang giải quyết quá hạn: {mine['open_overdue']} (toàn thành phố: {city['open_overdue']})"
            in text
        )
        for item in overdue:
            assert item["code"] in text and f"{settings.base_url}/staff/feedback/{item['code']}" in text
        assert f"{settings.base_url}/staff/reports?from=2026-10-01&to=2026-10-31" in text

    # The economic office by hand (tests/reports/test_figures.py): A5, B4 and B6 were open and overdue.
    kt = ref.unit_by_code(fixture.KT)
    text = body_text(mailbox.to(kt.head_email)[0])
    assert "Tỷ lệ đúng hạn: 68,2%" in text  # 1 − 7/22
    assert "có 3 phản ánh, kiến nghị đang giải quyết quá hạn" in text
    for name in ("A5", "B4", "B6"):
        assert october.codes[name] in text
    assert "lĩnh vực: Môi trường" in text and "Hạn trả lời: hết ngày" in text
    # The ward's head sees its offices' rows; the coordinator office every unit under the city.
    ward = body_text(mailbox.to(ref.unit_by_code(fixture.WARD).head_email)[0])
    assert "Số liệu theo đơn vị trực thuộc" in ward and "Phòng Kinh tế" in ward
    office = ref.units[ref.coordinator_id]
    city_text = body_text(mailbox.to(office.email)[0])
    assert f"- Tổng số nhận giải quyết: {city['total']}" in city_text.splitlines()
    assert "Sở Nội vụ" not in city_text and "Các đơn vị còn lại (" in city_text  # no figures: not listed
    assert (
        "Sở Giáo dục và Đào tạo" in city_text and "Kính gửi: Văn phòng Ủy ban nhân dân Thành phố" in city_text
    )


async def test_no_personal_data_in_the_reports(october, settings, frozen_clock, mailbox) -> None:
    await deliver_all(settings)
    mailbox.clear()
    frozen_clock.set(local(2026, 11, 2, 8))
    await queue_due(settings, now=frozen_clock.now())
    await deliver_all(settings)
    assert mailbox.messages
    citizens = await FeedbackItem.all().values("title", "content", "citizen_name", "citizen_phone",
                                               "citizen_email", "citizen_address")  # fmt: skip
    private = {value for row in citizens for value in row.values() if value}
    for message in mailbox.messages:
        parts = body_text(message) + message.get_body(preferencelist=("html",)).get_content()
        leaked = [value for value in private if value in parts]
        assert leaked == [], leaked


async def test_a_holiday_on_the_first_moves_the_report_to_the_next_working_day(
    client, settings, frozen_clock
) -> None:
    frozen_clock.set(local(2026, 12, 10, 9))
    assert (await client.post("/api/v1/feedback", json=citizen_body())).status_code == 201
    frozen_clock.set(local(2027, 1, 1, 9))  # New Year's Day
    assert await queue_due(settings, now=frozen_clock.now()) == 0
    frozen_clock.set(
        local(2027, 1, 4, 7, 5)
    )  # Monday 4/1/2027: the ward's office, the ward, the city, the office
    assert await queue_due(settings, now=frozen_clock.now()) == 4
    assert {k.split(":")[1] for k in await _messages()} == {"2026-12"}


async def test_an_open_month_or_an_empty_city_sends_nothing(client, settings, frozen_clock) -> None:
    with pytest.raises(DomainError, match="chưa kết thúc"):
        await queue_month(settings, periods.month(2026, 11), now=frozen_clock.now())
    frozen_clock.set(local(2026, 12, 1, 8))  # nothing was filed in November
    assert await queue_due(settings, now=frozen_clock.now()) == 0
    assert await _messages() == {}


async def test_a_scheduler_down_on_the_day_catches_up_later_in_the_month_once(
    client, settings, frozen_clock, mailbox
) -> None:
    frozen_clock.set(local(2026, 12, 10, 9))
    assert (await client.post("/api/v1/feedback", json=citizen_body())).status_code == 201
    await deliver_all(settings)
    mailbox.clear()
    frozen_clock.set(local(2027, 1, 15, 14))  # down from 4/1 until the 15th
    # two scheduler processes at once (truly concurrent on PostgreSQL): each message queued once
    await asyncio.gather(monthly_report_job(settings), monthly_report_job(settings))
    assert len(await _messages()) == 4
    frozen_clock.set(local(2027, 1, 18, 7, 30))
    await monthly_report_job(settings)
    assert await deliver_all(settings) == 4
    assert len({m["To"].addresses[0].addr_spec for m in mailbox.messages}) == 4
