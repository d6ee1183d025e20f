"""Deadline policies: per severity, and per category where a category needs other durations. The
body's values are checked (`admin.schemas`); here only that the category exists, one policy per
(category, severity), and that the default of a severity stays."""

from __future__ import annotations

from feedback.admin.common import category_by_code
from feedback.admin.schemas import PolicyIn, PolicyPatch, changes
from feedback.directory import reference
from feedback.directory.models import DeadlinePolicy
from feedback.errors import Conflict, DomainError, NotFound
from feedback.items.vocabulary import SEVERITIES


async def list_policies() -> list[DeadlinePolicy]:
    """The defaults first, then by category name; by severity within each."""
    rows = await DeadlinePolicy.all().select_related("category")
    order = {s: n for n, s in enumerate(SEVERITIES)}
    return sorted(
        rows,
        key=lambda p: (
            p.category is not None,
            p.category.name if p.category else "",
            order.get(p.severity, 9),
        ),
    )


async def get_policy(policy_id: int) -> DeadlinePolicy:
    policy = await DeadlinePolicy.get_or_none(id=policy_id).select_related("category")
    if policy is None:
        raise NotFound(f"Không có quy định thời hạn số {policy_id}")
    return policy


async def create_policy(body: PolicyIn) -> DeadlinePolicy:
    category = await category_by_code(body.category) if body.category else None
    severity = str(body.severity)
    if await DeadlinePolicy.exists(category=category, severity=severity):
        raise Conflict("Đã có quy định thời hạn cho lĩnh vực và mức độ này", field="severity")
    policy = await DeadlinePolicy.create(
        category=category,
        severity=severity,
        accept_hours=body.accept_hours,
        answer_days=body.answer_days,
        progress_days=body.progress_days,
    )
    reference.invalidate()
    return await get_policy(policy.id)


async def update_policy(policy_id: int, body: PolicyPatch) -> DeadlinePolicy:
    policy = await get_policy(policy_id)
    policy.update_from_dict(changes(body))
    await policy.save()
    reference.invalidate()
    return policy


async def delete_policy(policy_id: int) -> None:
    policy = await get_policy(policy_id)
    if policy.category_id is None:
        raise DomainError("Không xóa được quy định mặc định của một mức độ; hãy sửa nó", field="category")
    await policy.delete()
    reference.invalidate()
