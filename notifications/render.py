"""Rendering of outbox messages: a plain-text and an HTML Jinja2 template per kind, in Vietnamese.

Rendering happens at delivery, not when the message is queued, so queuing stays a cheap set-based
insert and a fixed template fixes every message still waiting in the outbox.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup, escape

from notifications import official
from notifications.inline import LetterEnvironment

TEMPLATES = Path(__file__).parent / "templates"

# Subjects without the tracking code: render() puts "[code] " in front when the context has one.
SUBJECTS = {
    "ack": "Xác nhận đã tiếp nhận phản ánh, kiến nghị",
    "track_link": "Đường dẫn tra cứu mới cho phản ánh, kiến nghị",
    "new_item": "{% if severity|default('') == 'urgent' %}KHẨN: {% endif %}"
    "Phản ánh, kiến nghị mới giao đơn vị xử lý: {{ title }}",
    "reminder": "Nhắc việc: còn 1 ngày làm việc đến hạn trả lời",
    "progress_reminder": "Nhắc cập nhật tiến độ xử lý phản ánh, kiến nghị: {{ title }}",
    "overdue_unit": "Quá hạn trả lời phản ánh, kiến nghị: {{ title }}",
    "overdue_citizen": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "escalate_parent": "Đơn vị trực thuộc chậm trả lời từ {{ days_late }} ngày làm việc trở lên: {{ title }}",
    "escalate_coordinator": "Quá hạn từ {{ days_late }} ngày làm việc trở lên, đề nghị theo dõi, đôn đốc: {{ title }}",
    "answer": "Kết quả trả lời phản ánh, kiến nghị",
    "extension": "Gia hạn trả lời: phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "reopen": "Phản ánh, kiến nghị được mở lại để xử lý tiếp: {{ title }}",
    # A promised date (the new date of an apology) is a deadline: reminder, and "lỡ hẹn" when missed.
    "promise_reminder": "Nhắc việc: còn 1 ngày làm việc đến ngày hẹn trả kết quả: {{ title }}",
    "promise_missed": "Lỡ hẹn trả kết quả cho người dân: {{ title }}",
    "apology_task": "{% if delivery_mode == 'phone' %}Liên hệ qua điện thoại{% else %}Gửi qua bưu chính{% endif %}"
    " phiếu xin lỗi và hẹn lại ngày trả kết quả: {{ title }}",
    "digest": "Tổng hợp phản ánh, kiến nghị quá hạn của {{ unit_name|in_text }}: {{ items|length }} hồ sơ",
    "monthly_report": "Báo cáo kết quả tiếp nhận, giải quyết phản ánh, kiến nghị tháng {{ month }}"
    " {% if scope == 'city' %}của toàn thành phố{% else %}của {{ unit_name|in_text }}{% endif %}",
    # Casework actions: refusal, transfer, assignment, approval, cooperation (liên thông), review.
    "refused": "Thông báo không tiếp nhận xử lý phản ánh, kiến nghị",
    "transferred": "Phản ánh, kiến nghị đã được chuyển đơn vị xử lý",
    "assigned": "Phân công xử lý phản ánh, kiến nghị: {{ title }}",
    "approval": "Dự thảo trả lời chờ phê duyệt: {{ title }}",
    "extension_request": "Đề nghị gia hạn chờ phê duyệt: {{ title }}",
    "extension_decided": "{% if approved %}Đề nghị gia hạn đã được phê duyệt{% else %}"
    "Đề nghị gia hạn không được phê duyệt{% endif %}: {{ title }}",
    "cooperation": "Đề nghị phối hợp xử lý phản ánh, kiến nghị: {{ title }}",
    "contribution": "Ý kiến phối hợp của {{ coop_unit_name|in_text }}: {{ title }}",
    "coop_reminder": "Nhắc việc phối hợp: còn 1 ngày làm việc đến hạn gửi ý kiến: {{ title }}",
    "coop_overdue": "Quá hạn gửi ý kiến phối hợp: {{ title }}",
    "reopened_citizen": "Phản ánh, kiến nghị được xem xét lại",
    # Dialogue conferences (hội nghị đối thoại): questions to answer, and publication of the results.
    "question_assigned": "Giao chuẩn bị trả lời câu hỏi hội nghị đối thoại: {{ conference_title }}",
    "question_reminder": "Nhắc việc: còn 1 ngày làm việc đến hạn trả lời câu hỏi số {{ number }}: {{ conference_title }}",
    "question_overdue": "Quá hạn trả lời câu hỏi số {{ number }} của hội nghị đối thoại: {{ conference_title }}",
    "publish_reminder": "Nhắc việc: còn 1 ngày làm việc đến hạn công bố kết quả hội nghị đối thoại: {{ conference_title }}",
    "publish_overdue": "Quá hạn công bố kết quả hội nghị đối thoại: {{ conference_title }}",
    "publish_escalate": "Quá hạn công bố kết quả hội nghị đối thoại từ {{ days_late }} ngày làm việc trở lên: {{ conference_title }}",
}
KINDS = frozenset(SUBJECTS)

# Names of codes (severity, channel) come in the context with the codes (`severity_name` beside
# `severity`): notifications know no vocabulary of their own. A message queued before the names were
# added shows the code (`{{ severity_name|default(severity) }}`).


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(kind: str, context: dict[str, Any], tz: ZoneInfo) -> Rendered:
    """Render one message; an unknown kind raises ValueError, a missing context key jinja2's error."""
    if kind not in KINDS:
        raise ValueError(f"unknown e-mail kind: {kind!r}")
    templates = _templates(tz.key)
    subject = templates.subjects[kind]
    subject = subject if isinstance(subject, str) else subject.render(context)
    if context.get("code"):
        subject = f"[{context['code']}] {subject}"
    subject = " ".join(subject.split())  # one line: a line break in a header would be an injection
    return Rendered(
        subject=subject,
        text=templates.letter(f"{kind}.txt").render(context),
        html=templates.letter(f"{kind}.html").render(context),
    )


def parse_when(value: Any) -> datetime | date | None:
    """An ISO 8601 string (SQLite's "2026-11-21 05:00:00+00:00" or "…T…"), a datetime or a date.

    A bare date stays a date (a calendar day needs no time zone); a naive datetime is taken as UTC,
    which is how the database stores times.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        return value
    else:
        text = str(value).strip()
        if len(text) == 10:
            return date.fromisoformat(text)
        parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class _Templates:
    env: Environment
    subjects: dict[str, Template | str]  # a subject without placeholders needs no template
    letters: dict[str, Template] = field(default_factory=dict)

    def letter(self, name: str) -> Template:
        """A letter's template, looked up in a plain dict: Jinja's own cache takes a lock each time."""
        if (template := self.letters.get(name)) is None:
            template = self.letters[name] = self.env.get_template(name)
        return template


@functools.lru_cache(maxsize=8)
def _templates(tz_name: str) -> _Templates:
    """One environment per time zone (in practice one), so the date filters need no extra argument."""
    env = letter_environment(ZoneInfo(tz_name))
    return _Templates(
        env,
        {kind: env.from_string(source) if "{" in source else source for kind, source in SUBJECTS.items()},
    )


def letter_environment(tz: ZoneInfo, cls: type[Environment] = LetterEnvironment) -> Environment:
    """The letters' Jinja environment: its options and filters. `cls=Environment` gives the same without
    the macro expansion (the reference tests/notifications/test_inline.py compares the letters with)."""

    def local(value: Any) -> datetime | date | None:
        when = parse_when(value)
        return when.astimezone(tz) if isinstance(when, datetime) else when

    def date_filter(value: Any) -> str:
        when = local(value)
        return official.date_text(when) if when else ""

    def datetime_filter(value: Any) -> str:
        """A moment: "09 giờ 00, ngày 26/10/2026" (a bare date: its day)."""
        when = local(value)
        if isinstance(when, datetime):
            return official.time_text(when)
        return official.date_text(when) if when else ""

    def deadline_filter(value: Any) -> str:
        """A deadline: "hết ngày 09/11/2026" when it runs to the end of its day."""
        when = local(value)
        return official.deadline_text(when) if when else ""

    def since_filter(value: Any) -> str:
        """The start of a period: "từ 09 giờ 00, ngày 23/11/2026" or "từ sau ngày 02/12/2026"."""
        when = local(value)
        return official.since_text(when) if when else ""

    # LetterEnvironment: the shared macros expanded where they are called (notifications/inline.py).
    env = cls(
        loader=FileSystemLoader(TEMPLATES),
        # HTML files are escaped; the .txt files and the subjects are plain text.
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,  # a misspelt key fails loudly instead of mailing a blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Templates ship with the code: without this, every render stats each file (and its base) to
        # see whether it changed, which cost delivery more than the rendering itself.
        auto_reload=False,
    )
    env.filters.update(
        date=_once_per_text(date_filter),
        datetime=_once_per_text(datetime_filter),
        deadline=_once_per_text(deadline_filter),
        since=_once_per_text(since_filter),
        in_text=official.name_in_text,
        head_position=official.head_position,
        head_salutation=official.head_salutation,
        nl2br=_nl2br,
        number=official.number_text,
        percent=official.percent_text,
    )
    return env


def _once_per_text(time_filter: Callable[[Any], str]) -> Callable[[Any], str]:
    """A letter writes each of its times in its text and in its HTML, and a run's letters share many
    (the same deadline, the same day): a time stored as text is parsed and written once."""
    cached = functools.lru_cache(maxsize=1024)(time_filter)

    def written(value: Any) -> str:
        return cached(value) if isinstance(value, str) else time_filter(value)

    return written


def _nl2br(value: Any) -> Markup:
    """Keep the officer's line breaks in HTML without trusting the text (it is escaped first)."""
    lines = re.split(r"\r\n|\r|\n", str(value or ""))
    return Markup("<br>\n").join(escape(line) for line in lines)
