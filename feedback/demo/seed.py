"""Demo data for `pakn serve --demo`: reference data, staff accounts and a few feedback items,
loaded only into an empty database so a demo never touches real data."""

from __future__ import annotations

from datetime import timedelta

from feedback import clock
from feedback.accounts.models import StaffUser
from feedback.accounts.services import create_user
from feedback.directory.seed import seed
from feedback.intake.schemas import CitizenIn, StaffFeedbackCreate
from feedback.intake.services import submit
from feedback.items.models import FeedbackItem
from feedback.settings import Settings

DEMO_PASSWORD = "pakn-demo-2026"
DEMO_ACCOUNTS = [
    ("dieuphoi@pakn.demo", "coordinator", "VP-UBND", "Nguyễn Thị Điều Phối"),
    ("motcua@pakn.demo", "desk", "TT-HCC", "Trần Văn Một Cửa"),
    ("canbo.hadong@pakn.demo", "officer", "P-09556-KT", "Lê Minh Cán Bộ"),
    ("lanhdao.hadong@pakn.demo", "head", "P-09556-KT", "Phạm Quốc Lãnh Đạo"),
    ("canbo.hoankiem@pakn.demo", "officer", "P-00070-KT", "Đỗ Thu Hoàn Kiếm"),
    ("tochuc.hadong@pakn.demo", "organiser", "P-09556", "Vũ Thị Tổ Chức"),
]


async def seed_demo(settings: Settings) -> list[str]:
    """Load the demo; returns lines to print for the person starting it."""
    await seed()
    lines = []
    if not await StaffUser.exists():
        for email, role, unit, name in DEMO_ACCOUNTS:
            await create_user(email=email, role=role, unit_code=unit, password=DEMO_PASSWORD, name=name)
        lines.append(f"demo accounts (password {DEMO_PASSWORD}): " + ", ".join(a[0] for a in DEMO_ACCOUNTS))
    if not await FeedbackItem.exists():
        desk = await StaffUser.get(email="motcua@pakn.demo")
        now = clock.now()
        for days_ago, title, content, category in DEMO_ITEMS:
            created = await submit(
                StaffFeedbackCreate(
                    title=title,
                    content=content,
                    category=category,
                    commune="09556",
                    address="Phường Hà Đông, Hà Nội",
                    citizen=CitizenIn(
                        name="Nguyễn Văn An",
                        phone="0912 345 678",
                        email="an.nguyen@example.vn",
                        address="Số 8 ngõ 12 Quang Trung, phường Hà Đông, Hà Nội",
                    ),
                    channel="desk",
                    received_at=now - timedelta(days=days_ago),
                ),
                settings,
                actor=desk,
            )
            lines.append(
                # The citizen's tracking page, as the acknowledgement e-mail links it (not the JSON API).
                f"demo item {created.item.code}: {settings.base_url}/track/{created.item.code}?token={created.token}"
            )
    lines.append(f"caught mail (log in with a demo account): {settings.base_url}/demo/mail")
    return lines


DEMO_ITEMS = [
    (
        0,
        "Rác thải ùn ứ tại ngõ 12 Quang Trung",
        "Rác thải sinh hoạt không được thu gom ba ngày nay, bốc mùi hôi thối ảnh hưởng đến các hộ dân.",
        "moi-truong",
    ),
    (
        9,
        "Đèn đường hỏng trên phố Bà Triệu",
        "Cả dãy đèn đường đoạn từ số 20 đến số 60 phố Bà Triệu không sáng, đi lại ban đêm rất nguy hiểm.",
        None,
    ),
    (
        42,
        "Lấn chiếm vỉa hè làm bãi trông xe",
        "Một hộ kinh doanh chiếm toàn bộ vỉa hè trước số 5 Lê Lợi để trông xe, người đi bộ phải xuống lòng đường.",
        "trat-tu-do-thi",
    ),
]
