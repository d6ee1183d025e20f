"""Exports of one 5,000-question dialogue conference: `load_export` and each of DOCX, XLSX and CSV.

A fresh database gets one conference of Phường Hà Đông on all the fields of bench/search.py, with
5,000 questions (COPY, one statement): Vietnamese complaints with a street and a tổ dân phố, 1 in 10
with the asker's phone or name in the text (so the DOCX masking has work to do), askers from 30 family,
middle and given names, 126 communes, every field, channels online/floor/import, and answers in every
mode (4 in 10 at the conference, 3 in 10 in writing with a document number and date, 1 in 10 forwarded
to one of 500 feedback items, 2 in 10 unanswered). Then, after a warm-up, `--runs` timed runs of
`load_export` and of each writer on its result; p50 and max are reported.

    python bench/conference_export.py [--questions 5000] [--runs 5] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import statistics
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from common import banner, database_url, drop_database, fresh_database, save, timer, verdict, wait_quiet
from search import STREETS, TEXTS

from feedback import db
from feedback.conferences import booklet, exports, sheets
from feedback.conferences.models import Conference
from feedback.directory.models import Unit

NAME = "conference_export"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
STARTS = datetime(2026, 12, 5, 8, 0, tzinfo=TZ)
TARGET_S = 5.0  # "a few seconds": load + the slowest writer, p50
ITEMS = 500  # feedback items that forwarded questions point to

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Hoàng", "Đức", "Ngọc", "Quang", "Thanh", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hạnh", "Hằng", "Khánh", "Lan", "Phúc", "Tuấn", "Ứng", "Yến"]
ANSWERS = [
    "UBND phường đã giao Đội Quản lý trật tự đô thị kiểm tra, xử lý dứt điểm trong tháng 12/2026.",
    "Công ty TNHH MTV Thoát nước Hà Nội đã nạo vét tuyến cống, sẽ kiểm tra lại sau mỗi trận mưa lớn.",
    "Nội dung thuộc thẩm quyền của Sở Xây dựng; UBND phường đã có văn bản đề nghị Sở xem xét, giải quyết.",
    "Phòng Kinh tế, Hạ tầng và Đô thị đã kiểm tra hiện trường, lập biên bản và yêu cầu khắc phục trong 15 ngày.",
    "UBND phường ghi nhận ý kiến, sẽ đưa vào kế hoạch cải tạo hạ tầng năm 2027 và thông báo tới Nhân dân.",
]
OFFICIALS = [
    ("Trần Văn Bình", "Chủ tịch UBND phường"),
    ("Lê Thị Mai", "Phó Chủ tịch UBND phường"),
    ("Phạm Quốc Hùng", "Trưởng phòng Kinh tế, Hạ tầng và Đô thị"),
    ("Nguyễn Thu Trang", "Trưởng Công an phường"),
]
OFFICIAL_NAMES = {name for name, _ in OFFICIALS}
MODES = ["at_conference"] * 4 + ["in_writing"] * 3 + ["forwarded"] + [""] * 2
CHANNELS = ["online", "online", "floor", "import"]


async def generate(url: str, questions: int) -> int:
    """One conference and its questions (COPY); its id."""
    conn = await asyncpg.connect(url)
    try:
        categories = await conn.fetch("SELECT id, code FROM category ORDER BY id")
        by_code = {r["code"]: r["id"] for r in categories}
        communes = [r["id"] for r in await conn.fetch("SELECT id FROM commune ORDER BY code")]
        units = [r["id"] for r in await conn.fetch("SELECT id FROM unit ORDER BY code")]
        host = await Unit.get(code="P-09556")
        codes = sorted({c for c, _, _ in TEXTS})
        conference = await Conference.create(
            host_unit=host,
            title="Hội nghị đối thoại giữa Chủ tịch UBND phường Hà Đông với Nhân dân năm 2026",
            starts_at=STARTS,
            place="Hội trường UBND phường Hà Đông, số 1 Quang Trung",
            categories=codes,
            status="held",
            created_at=NOW,
            updated_at=NOW,
        )
        async with conn.transaction():
            await conn.execute("SET LOCAL synchronous_commit = off")
            await conn.executemany(
                "INSERT INTO feedback_item (id, code, token_hash, title, content, search_text, category_id,"
                " commune_id, address, severity, channel, status, unit_id, citizen_name, citizen_phone,"
                " citizen_email, citizen_address, publish, received_at, unit_received_at, accept_due_at,"
                " due_at, deadline_no, transfer_count, answer, created_at, updated_at)"
                " VALUES ($1::bigint, $2, md5($1::bigint::text) || md5((-$1::bigint)::text), $3, $4, '', $5, $6, '', 'normal',"
                " 'conference', 'received', $7, $8, '', '', '', false, $9, $9, $9, $10, 1, 0, '', $9, $9)",
                [
                    (
                        n,
                        f"PAKN.20261205.{n:04d}",
                        TEXTS[n % len(TEXTS)][1],
                        TEXTS[n % len(TEXTS)][2],
                        by_code[TEXTS[n % len(TEXTS)][0]],
                        communes[n % len(communes)],
                        host.id,
                        f"{FAMILY[n % 10]} {MIDDLE[n // 10 % 10]} {GIVEN[n % 12]}",
                        STARTS,
                        STARTS + timedelta(days=15),
                    )
                    for n in range(1, ITEMS + 1)
                ],
            )
            records = []
            for n in range(1, questions + 1):
                code, title, content = TEXTS[n * 7 % len(TEXTS)]
                name = f"{FAMILY[n % 10]} {MIDDLE[n // 10 % 10]} {GIVEN[n // 100 % 12]}"
                phone = f"09{n * 7919 % 100_000_000:08d}"
                text = f"{title} tại tổ dân phố {n % 30 + 1}, đường {STREETS[n % len(STREETS)]}. {content}"
                if n % 10 == 0:
                    text += f" Tôi là {name}, số điện thoại {phone[:4]} {phone[4:7]} {phone[7:]}, mong được trả lời."
                mode = MODES[n % len(MODES)]
                official = OFFICIALS[n % len(OFFICIALS)] if mode else ("", "")
                records.append(
                    (
                        conference.id,
                        n,
                        CHANNELS[n % len(CHANNELS)],
                        name,
                        f"Số {n % 120 + 1} ngõ {n % 40 + 1} {STREETS[n % len(STREETS)]}",
                        phone,
                        "" if n % 7 == 3 else f"nguoidan{n}@example.vn",
                        by_code[code],
                        communes[n % len(communes)],
                        text,
                        "",
                        units[n % len(units)],
                        units[n * 3 % len(units)],
                        STARTS - timedelta(days=3),
                        "answered" if mode else "open",
                        ANSWERS[n % len(ANSWERS)] if mode else "",
                        mode,
                        official[0],
                        official[1],
                        f"{n}/UBND-KT" if mode == "in_writing" else "",
                        date(2026, 12, 10) if mode == "in_writing" else None,
                        n % ITEMS + 1 if mode == "forwarded" else None,
                        STARTS if mode else None,
                        NOW,
                        NOW,
                    )
                )
            await conn.copy_records_to_table(
                "question",
                records=records,
                columns=[
                    "conference_id", "number", "channel", "asker_name", "asker_place", "asker_phone",
                    "asker_email", "category_id", "commune_id", "text", "search_text", "suggested_unit_id",
                    "unit_id", "due_at", "status", "answer", "answer_mode", "official_name",
                    "official_position", "document_number", "document_date", "feedback_item_id",
                    "answered_at", "created_at", "updated_at",
                ],
            )  # fmt: skip
        await conn.execute("ANALYZE question")
        return conference.id
    finally:
        await conn.close()


def _p50(values: list[float]) -> float:
    return statistics.median(values)


async def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args(argv)

    banner(f"conference_export: {args.questions:,} questions, {args.runs} timed runs")
    await fresh_database(NAME)
    url = database_url(NAME)
    try:
        with timer() as gen:
            conference_id = await generate(url, args.questions)
        print(f"data generation: {gen.seconds:.2f} s")
        data = await exports.load_export(conference_id)  # warm-up (prepared statements, imports)
        sizes = {kind: len(write(data)) for kind, write in WRITERS.items()}
        wait_quiet()
        times: dict[str, list[float]] = {"load_export": [], **{k: [] for k in WRITERS}}
        for _ in range(args.runs):
            with timer() as t:
                data = await exports.load_export(conference_id)
            times["load_export"].append(t.seconds)
            for kind, write in WRITERS.items():
                with timer() as t:
                    write(data)
                times[kind].append(t.seconds)
    finally:
        await db.close()
        if not args.keep:
            await drop_database(NAME)

    # Read the last exports back: every question is there and the Vietnamese survived.
    import docx
    import openpyxl

    document = docx.Document(io.BytesIO(booklet.to_docx(data)))
    booklet_text = "\n".join(p.text for p in document.paragraphs)
    sheet_rows = sum(
        1 for _ in openpyxl.load_workbook(io.BytesIO(sheets.to_xlsx(data)), read_only=True).active.rows
    )
    csv_rows = list(csv.reader(io.StringIO(sheets.to_csv(data).decode("utf-8-sig"))))
    forwarded = sum(1 for q in data.questions if q.answer_mode == "forwarded")
    checks = {
        "questions_loaded": len(data.questions) == args.questions,
        "docx_has_every_question": booklet_text.count("Câu hỏi số ") == args.questions,
        # (some askers share a name with an answering official, whose name is printed)
        "docx_has_no_asker_name": all(
            q.asker_name not in booklet_text for q in data.questions if q.asker_name not in OFFICIAL_NAMES
        ),
        "docx_has_no_asker_phone": all(q.asker_phone not in booklet_text for q in data.questions),
        "docx_vietnamese_intact": "Ổ gà nguy hiểm trên đường" in booklet_text,
        "xlsx_rows": sheet_rows == args.questions + 1,
        "csv_rows": len(csv_rows) == args.questions + 1 and "Họ tên người hỏi" in csv_rows[0],
        "forwarded_have_codes": all(q.feedback_code for q in data.questions if q.answer_mode == "forwarded")
        and forwarded > 0,
    }
    p50 = {k: _p50(v) for k, v in times.items()}
    worst = p50["load_export"] + max(p50[k] for k in WRITERS)
    for name, values in times.items():
        size = f"  {sizes[name] / 1024:,.0f} KiB" if name in sizes else ""
        print(f"  {name:<12} p50 {p50[name]:6.3f} s  max {max(values):6.3f} s{size}")
    print(f"  load + slowest writer (p50): {worst:.2f} s; checks: {checks}")
    result = {
        "benchmark": NAME,
        "target": f"load + slowest format < {TARGET_S:.0f} s (p50)",
        "value": worst,
        "verdict": verdict(worst, TARGET_S, lower_is_better=True),
        "questions": args.questions,
        "runs": args.runs,
        "p50_s": p50,
        "max_s": {k: max(v) for k, v in times.items()},
        "bytes": sizes,
        "generation_s": gen.seconds,
        "checks": checks,
        "ok": all(checks.values()),
    }
    save(NAME, result)
    return result


WRITERS = {"docx": booklet.to_docx, "xlsx": sheets.to_xlsx, "csv": sheets.to_csv}


if __name__ == "__main__":
    outcome = asyncio.run(main())
    sys.exit(0 if outcome["ok"] and outcome["verdict"] == "PASS" else 1)
