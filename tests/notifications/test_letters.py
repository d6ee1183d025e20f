"""Every letter in official Vietnamese (SPEC §5), on the samples of docs/letters/ (notifications/samples.py):
the folder matches the templates, each letter greets its real recipient, writes times and deadlines
as official letters do, and names administrative units in lower case in running text."""

from __future__ import annotations

import re

import pytest

from notifications import samples
from notifications.render import KINDS, render

RENDERED = {sample.name: samples.rendered(sample) for sample in samples.SAMPLES}

# What each recipient of the samples must be greeted as: the unit's shared mailbox by the unit's name,
# a head by name and position (or the position alone when only it is on file), the coordinator office
# and its head, an officer, the citizen.
GREETINGS = {
    "unit": "Kính gửi: Ủy ban nhân dân phường Hà Đông\n",
    "head": "Kính gửi: Ông/Bà Lê Văn Hùng, Chủ tịch Ủy ban nhân dân phường Hà Đông\n",
    "officer": "Kính gửi: Ông/Bà Trần Thị Mai, Ủy ban nhân dân phường Hà Đông\n",
    "citizen": "Kính gửi: Ông/Bà Nguyễn Văn An",
    "parent_head": "Kính gửi: Chủ tịch Ủy ban nhân dân thành phố Hà Nội\n",
    "coordinator": "Kính gửi: Văn phòng Ủy ban nhân dân Thành phố\n",
    "coordinator_head": "Kính gửi: Chánh Văn phòng Ủy ban nhân dân Thành phố\n",
    "coop_unit": "Kính gửi: Phòng Kinh tế, Hạ tầng và Đô thị phường Hà Đông\n",
    "unit_task": "Kính gửi: Ủy ban nhân dân phường Hà Đông\n",  # the unit, asked to post or phone
}
# Greetings of the past: a unit's mailbox as its "lãnh đạo", the coordinator's head as a "bộ phận".
WRONG = ("Lãnh đạo UBND", "Lãnh đạo Ủy ban", "Bộ phận theo dõi", "bộ phận theo dõi", "Kính gửi: UBND")
# "09:00 26/10/2026", "lúc 09:00", "từ 23:59 09/11/2026": not how a letter writes a time.
CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s+(?:ngày\s+)?\d{1,2}/\d{1,2}|\blúc \d|\b23:59\b|\b16:59\b")
# An administrative level word with a capital inside a sentence ("… của Phường Hà Đông").
CAPITAL_LEVEL = re.compile(r"(?<=[a-zà-ỹđ,]) (Phường|Xã|Quận|Huyện|Tỉnh|Thị trấn|Thị xã) [A-ZĐÀ-Ỹ]")


def test_the_docs_folder_holds_exactly_the_rendered_samples() -> None:
    """docs/letters/ is what `python -m notifications.samples` writes today (run it after a change)."""
    folder = samples.FOLDER
    expected = samples.files()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()}
    assert sorted(on_disk) == sorted(expected), "run `make letters`"
    stale = [name for name, content in expected.items() if on_disk[name] != content]
    assert not stale, f"run `make letters`: {stale[:5]}"


def test_every_template_has_a_sample() -> None:
    assert {s.kind for s in samples.SAMPLES} == set(KINDS)


@pytest.mark.parametrize("sample", samples.SAMPLES, ids=lambda s: s.name)
def test_each_letter_greets_its_real_recipient(sample: samples.Sample) -> None:
    text, html = RENDERED[sample.name]
    greeting = GREETINGS[sample.recipient]
    if sample.kind == "coop_overdue" and sample.recipient == "head":
        greeting = "Kính gửi: Trưởng phòng Kinh tế, Hạ tầng và Đô thị phường Hà Đông\n"
    assert greeting in text
    assert f"<p>{greeting.strip()}" in html.replace(".</p>", "</p>")
    assert not [w for w in WRONG if w in text or w in html]


@pytest.mark.parametrize("sample", samples.SAMPLES, ids=lambda s: s.name)
def test_times_and_names_are_written_as_official_letters_write_them(sample: samples.Sample) -> None:
    text, html = RENDERED[sample.name]
    body = text.split("\n", 1)[1]  # the subject keeps the unit's name as the digest lists it
    assert not CLOCK.search(text) and not CLOCK.search(html)
    assert not CAPITAL_LEVEL.search(body), CAPITAL_LEVEL.search(body)
    assert "UBND" not in body and "hệ thống đã nhận" not in body.lower()
    assert set(re.findall(r"Thời điểm tiếp nhận: (.*)", text)) <= {"09 giờ 00, ngày 26/10/2026"}
    deadlines = re.findall(r"Hạn (?:trả lời|gửi ý kiến phối hợp|công bố): (.*?)[;)]?$", text, re.M)
    assert all(d.startswith("hết ngày ") for d in deadlines), deadlines


@pytest.mark.parametrize("name", [s.name for s in samples.SAMPLES if s.recipient == "citizen"])
def test_letters_to_the_citizen_come_from_the_unit_and_end_with_it(name: str) -> None:
    text, _ = RENDERED[name]
    letter = text.split("\n--\n")[0].rstrip()
    last = letter.splitlines()[-3:]
    assert any(line.startswith(("Ủy ban nhân dân", "Sở ")) for line in last), last
    assert "Hệ thống đã" not in letter


def test_the_answer_is_signed_and_links_to_rating_and_review() -> None:
    text, html = RENDERED["answer.citizen"]
    assert (
        text.split("\n--\n")[0]
        .rstrip()
        .endswith("Ủy ban nhân dân phường Hà Đông\nChủ tịch Ủy ban nhân dân phường Hà Đông\nLê Văn Hùng")
    )
    assert "https://pakn.hanoi.gov.vn/track?code=PAKN.20261026.0012" in html
    assert "đánh giá mức độ hài lòng" in text and "đề nghị xem xét lại" in text
    officer, _ = RENDERED["answer.citizen.officer"]
    assert "Chuyên viên Ủy ban nhân dân phường Hà Đông\nTrần Thị Mai" in officer


def test_the_refusal_cites_its_ground_and_basis_and_the_procedure() -> None:
    text, html = RENDERED["refused.citizen.complaint"]
    assert "Lý do: Nội dung là khiếu nại, không thuộc phạm vi phản ánh, kiến nghị." in text
    assert "Căn cứ: Điều 7 Nghị định số 20/2008/NĐ-CP, sửa đổi bởi Nghị định số 92/2017/NĐ-CP." in text
    assert "Ý kiến của đơn vị: Nội dung là khiếu nại quyết định hành chính." in text
    assert "Luật Khiếu nại năm 2011" in html
    bare, _ = RENDERED["refused.citizen.reason-only"]
    assert "Lý do: Nội dung không rõ ràng." in bare and "Căn cứ" not in bare


def test_the_reopen_letter_states_the_new_deadline_once() -> None:
    text, html = RENDERED["reopened_citizen.citizen"]
    assert text.count("24/11/2026") == 1 and html.count("24/11/2026") == 1
    assert "09/11/2026" not in text


def test_the_coordinator_is_told_only_the_steps_that_were_sent() -> None:
    full, _ = RENDERED["escalate_coordinator.coordinator"]
    skipped, html = RENDERED["escalate_coordinator.coordinator.reminder-skipped"]
    assert "đã nhắc việc" in full
    assert "nhắc việc" not in skipped and "nhắc việc" not in html
    assert "đã báo cáo lãnh đạo Ủy ban nhân dân thành phố Hà Nội" in skipped
    nothing = samples.Sample(
        "escalate_coordinator", "coordinator",
        {**samples.ITEM, "parent_unit_name": "", "days_late": 5, "progress_since": None},
    )  # fmt: skip
    text = render(nothing.kind, nothing.full_context(), samples.TZ).text
    assert "chưa có nhắc việc hoặc thông báo quá hạn nào" in text and "đã báo cáo" not in text
