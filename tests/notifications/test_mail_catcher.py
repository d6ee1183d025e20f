"""The demo mail catcher: a real SMTP server on our own event loop that files mail into a Maildir."""

from __future__ import annotations

from datetime import timedelta

from notifications.catcher import read_caught, read_one, start_catcher
from notifications.delivery import SmtpConfig, deliver_pending
from notifications.outbox import new_message, queue
from tests.notifications.support import HANOI, ITEM_CONTEXT, NOW

CONTEXT = {
    **ITEM_CONTEXT,
    "citizen_name": "Nguyễn Văn An",
    "channel": "online",
    "secret_track_url": "https://pakn.test/track/PAKN.20261123.0001?token=abc",
    "staff_url": "https://pakn.test/staff/feedback/PAKN.20261123.0001",
}


async def test_the_catcher_receives_and_reads_back_mail(database_clean, tmp_path) -> None:
    maildir = tmp_path / "pakn-data" / "demo-mail"
    handle = await start_catcher(maildir)  # port 0: the system picks one
    try:
        assert handle.port > 0
        config = SmtpConfig(host="127.0.0.1", port=handle.port, mail_from="PAKN demo <pakn@demo.localhost>")
        first = new_message(
            kind="ack",
            key="ack:1",
            to_addr="an@example.vn",
            to_name="Nguyễn Văn An",
            context=CONTEXT,
            now=NOW,
        )
        later = NOW + timedelta(minutes=5)
        second = new_message(
            kind="reminder", key="step:1:unit", to_addr="hadong@hanoi.gov.vn", context=CONTEXT, now=later
        )
        await queue([first, second])
        assert (await deliver_pending(config, now=NOW, tz=HANOI)).sent == 1
        assert (await deliver_pending(config, now=later, tz=HANOI)).sent == 1
    finally:
        await handle.close()

    newest, oldest = read_caught(maildir)
    assert newest.subject == "[PAKN.20261123.0001] Nhắc việc: còn 1 ngày làm việc đến hạn trả lời"
    assert oldest.subject == "[PAKN.20261123.0001] Xác nhận đã tiếp nhận phản ánh, kiến nghị"
    assert oldest.sender == "PAKN demo <pakn@demo.localhost>"
    assert oldest.to == "Nguyễn Văn An <an@example.vn>"
    assert "Kính gửi: Ông/Bà Nguyễn Văn An" in oldest.text
    assert "<p>Kính gửi: Ông/Bà Nguyễn Văn An</p>" in oldest.html
    assert oldest.date.utcoffset() == timedelta(hours=7)
    assert oldest.message_id.endswith("@demo.localhost>")
    assert read_one(maildir, oldest.id) == oldest
    assert len(read_caught(maildir, limit=1)) == 1


def test_reading_an_empty_or_missing_catcher_and_a_bad_id(tmp_path) -> None:
    assert read_caught(tmp_path / "nothing-here") == []
    assert read_one(tmp_path / "nothing-here", "1763700000.M1P1Q1.host") is None
    (tmp_path / "mail" / "new").mkdir(parents=True)
    assert read_one(tmp_path / "mail", "../../etc/passwd") is None
    assert read_one(tmp_path / "mail", "1763700000.M1P1Q1.host") is None
