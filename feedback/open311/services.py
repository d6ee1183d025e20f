"""Open311's services are pakn's fields (lĩnh vực, the active categories), plus one for a request whose
field the receiving unit decides; their definitions list the attributes pakn reads from a POST."""

from __future__ import annotations

from feedback.directory import lists
from feedback.directory.reference import Reference
from feedback.errors import NotFound
from feedback.items.vocabulary import SEVERITIES, SEVERITY_NAMES
from feedback.open311.forms import UNCLASSIFIED
from feedback.open311.requests import UNCLASSIFIED_NAME
from feedback.open311.schemas import AttributeOut, AttributeValue, ServiceDefinitionOut, ServiceOut

GROUP = "Phản ánh, kiến nghị"


def services(ref: Reference) -> list[ServiceOut]:
    found = [
        ServiceOut(
            service_code=c.code,
            service_name=c.name,
            metadata=True,
            type="realtime",
            description=f"Phản ánh, kiến nghị về lĩnh vực {c.name}",
            keywords=", ".join(c.keywords.split()[:20]) or None,
            group=GROUP,
        )
        for c in lists.categories(ref)
    ]
    found.append(
        ServiceOut(
            service_code=UNCLASSIFIED,
            service_name=UNCLASSIFIED_NAME,
            metadata=True,
            type="realtime",
            description="Chưa rõ lĩnh vực: đơn vị tiếp nhận xác định lĩnh vực và đơn vị xử lý",
            group=GROUP,
        )
    )
    return found


def definition(ref: Reference, code: str) -> ServiceDefinitionOut:
    if code != UNCLASSIFIED and code not in ref.categories:
        raise NotFound("Không có service_code này (xem services.json)", field="service_code")
    communes = [AttributeValue(c.code, c.name) for c in lists.communes(ref)]
    return ServiceDefinitionOut(
        service_code=code,
        attributes=[
            AttributeOut(
                variable=True,
                code="contact_address",
                datatype="string",
                required=True,
                datatype_description="Địa chỉ liên hệ của người phản ánh",
                order=1,
                description="Điều 7 Nghị định 20/2008/NĐ-CP: họ tên (first_name, last_name), địa chỉ liên hệ"
                " và, nếu có, số điện thoại (phone) hoặc thư điện tử (email); không có thì văn bản trả"
                " lời gửi qua bưu chính đến địa chỉ này. Không bao giờ được công khai.",
            ),
            AttributeOut(
                variable=True,
                code="title",
                datatype="string",
                required=False,
                order=2,
                description="Tiêu đề (3–200 ký tự); để trống: dòng đầu của description",
            ),
            AttributeOut(
                variable=True,
                code="commune",
                datatype="singlevaluelist",
                required=False,
                order=3,
                description="Xã/phường nơi xảy ra sự việc: giúp chuyển đúng đơn vị gần dân nhất",
                values=communes,
            ),
            AttributeOut(
                variable=True,
                code="severity",
                datatype="singlevaluelist",
                required=False,
                order=4,
                description="Mức độ (mặc định: thông thường)",
                values=[AttributeValue(s, SEVERITY_NAMES[s]) for s in SEVERITIES],
            ),
            AttributeOut(
                variable=True,
                code="publish",
                datatype="singlevaluelist",
                required=False,
                order=5,
                description="Người phản ánh đồng ý công khai nội dung và câu trả lời (đã che thông tin cá"
                " nhân)",
                values=[AttributeValue("true", "Đồng ý công khai"), AttributeValue("false", "Không")],
            ),
        ],
    )
