"""Who may do what with a dialogue conference (SPEC §1, §6, §8), built on the role sets of
`feedback.items.access`; every conference handler and service asks here.

- Organisers run the conferences of their own unit and its sub-units; coordinators run every one.
- Other staff see the conferences their unit hosts, and those where their unit has a question to answer.
- A question is answered by the officers and heads of the unit it is assigned to, or by whoever runs the
  conference; a desk officer answers none.

A conference outside the user's reach is "not found", never "forbidden", so nothing leaks about it;
a role that may never do the thing is refused (403) before anything is looked up.
"""

from __future__ import annotations

from collections.abc import Mapping

from tortoise.queryset import QuerySet

from feedback.accounts.models import StaffUser
from feedback.conferences.models import Conference, Question
from feedback.directory.reference import UnitRef
from feedback.errors import Forbidden, NotFound
from feedback.items.access import HANDLERS, ORGANISER_ROLES


def units_under(units: Mapping[int, UnitRef], root: int | None) -> frozenset[int]:
    """`root` and every unit below it in the tree (none for no unit)."""
    if root is None:
        return frozenset()
    children: dict[int | None, list[int]] = {}
    for unit in units.values():
        children.setdefault(unit.parent_id, []).append(unit.id)
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return frozenset(found)


def require_organiser(user: StaffUser) -> None:
    if user.role not in ORGANISER_ROLES:
        raise Forbidden("Chỉ cán bộ tổ chức hội nghị hoặc Văn phòng điều phối được thực hiện thao tác này")


def runs(user: StaffUser, host_unit_id: int, units: Mapping[int, UnitRef]) -> bool:
    """Whether the user runs conferences of this host unit."""
    if user.role == "coordinator":
        return True
    return user.role == "organiser" and host_unit_id in units_under(units, user.unit_id)


def require_host(user: StaffUser, host_unit_id: int, units: Mapping[int, UnitRef]) -> None:
    """For creating a conference or moving it to another host: the host must be within the user's reach."""
    require_organiser(user)
    if not runs(user, host_unit_id, units):
        raise Forbidden(
            "Chỉ tổ chức được hội nghị của đơn vị mình và các đơn vị trực thuộc", field="host_unit"
        )


def visible_conferences(user: StaffUser, units: Mapping[int, UnitRef]) -> QuerySet[Conference]:
    """The conferences a user may read as staff (the list and the conference itself)."""
    query = Conference.all()
    if user.role == "coordinator":
        return query
    if user.role == "organiser":
        return query.filter(host_unit_id__in=list(units_under(units, user.unit_id)))
    return query.filter(host_unit_id=user.unit_id)


async def conference_for(
    user: StaffUser, conference_id: int, units: Mapping[int, UnitRef], *, lock: bool = False
) -> Conference:
    """A conference the user may read; otherwise "not found"."""
    query = visible_conferences(user, units).filter(id=conference_id)
    conference = await (query.select_for_update() if lock else query).first()
    if conference is None:
        raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
    return conference


async def run_by(
    user: StaffUser, conference_id: int, units: Mapping[int, UnitRef], *, lock: bool = False
) -> Conference:
    """A conference the user runs (edit, move, add, import, assign, export): 403 for a role that runs
    none, "not found" for a conference of a unit outside the organiser's reach."""
    require_organiser(user)
    return await conference_for(user, conference_id, units, lock=lock)


async def questions_for(
    user: StaffUser, conference_id: int, units: Mapping[int, UnitRef]
) -> tuple[Conference, list[Question]]:
    """Who runs or hosts the conference sees every question; other units only those assigned to them."""
    conference = await Conference.get_or_none(id=conference_id)
    if conference is None:
        raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
    query = Question.filter(conference_id=conference_id)
    host = conference.host_unit_id
    if not runs(user, host, units) and host != user.unit_id:
        if user.role == "organiser":  # an organiser reads no other unit's conference
            raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
        query = query.filter(unit_id=user.unit_id)
        if not await query.exists():
            raise NotFound(f"Không tìm thấy hội nghị số {conference_id}")
    return conference, await query.order_by("number").prefetch_related("feedback_item")


async def require_answerer(
    user: StaffUser, conference: Conference, question: Question, units: Mapping[int, UnitRef]
) -> None:
    """May this user write the official answer to this question? "Not found" when the conference is out
    of the user's sight altogether; 403 when the user sees it but may not answer this question."""
    if runs(user, conference.host_unit_id, units):
        return
    unit_id = user.unit_id
    sees = (
        conference.host_unit_id == unit_id
        or await Question.filter(conference_id=conference.id, unit_id=unit_id).exists()
    )
    if user.role == "organiser" or not sees:
        raise NotFound(f"Không tìm thấy hội nghị số {conference.id}")
    if user.role not in HANDLERS:
        raise Forbidden("Bộ phận Một cửa không trả lời câu hỏi hội nghị; cán bộ đơn vị được giao trả lời")
    if question.unit_id != unit_id:
        raise Forbidden("Chỉ đơn vị được giao hoặc cán bộ tổ chức hội nghị được trả lời câu hỏi này")
