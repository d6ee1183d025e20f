"""Dialogue conferences (hội nghị đối thoại), their questions, and the deadline steps of both.

The words their status, channel and answer-mode columns hold are in `conferences.vocabulary`."""

from tortoise import fields
from tortoise.models import Model


class Conference(Model):
    """A dialogue conference of a host unit, whose results must be published within 10 days of it."""

    id = fields.IntField(primary_key=True)
    host_unit = fields.ForeignKeyField("models.Unit", related_name="conferences")
    title = fields.CharField(max_length=300)
    starts_at = fields.DatetimeField()
    place = fields.CharField(max_length=300)
    # Codes of the fields (lĩnh vực) the conference is about.
    categories = fields.JSONField(default=list)
    description = fields.TextField(default="")
    status = fields.CharField(max_length=12, default="planning")
    # When it was announced (Điều 43: at least 7 days before): the organiser's date, else the moment
    # collecting questions opened.
    announced_at = fields.DatetimeField(null=True)
    publish_due_at = fields.DatetimeField(null=True)  # set when the conference is held
    published_at = fields.DatetimeField(null=True)
    created_by = fields.ForeignKeyField("models.StaffUser", related_name="conferences", null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "conference"
        indexes = (("status", "starts_at"),)


class Question(Model):
    """A question of a citizen to a conference, routed to a unit that answers it."""

    id = fields.BigIntField(primary_key=True)
    conference = fields.ForeignKeyField("models.Conference", related_name="questions")
    number = fields.IntField()  # 1, 2, … within the conference
    channel = fields.CharField(max_length=10)  # online | floor | import
    asker_name = fields.CharField(max_length=120)
    asker_place = fields.CharField(max_length=300, default="")
    asker_phone = fields.CharField(max_length=20, default="")
    asker_email = fields.CharField(max_length=254, default="")
    category = fields.ForeignKeyField("models.Category", related_name="questions", null=True)
    commune = fields.ForeignKeyField("models.Commune", related_name="questions", null=True)
    text = fields.TextField()
    search_text = fields.TextField(default="")
    suggested_unit = fields.ForeignKeyField("models.Unit", related_name="suggested_questions", null=True)
    unit = fields.ForeignKeyField("models.Unit", related_name="questions", null=True)
    due_at = fields.DatetimeField(null=True)
    status = fields.CharField(max_length=10, default="open")  # open | answered
    answer = fields.TextField(default="")
    answer_mode = fields.CharField(max_length=16, default="")
    official_name = fields.CharField(max_length=200, default="")
    official_position = fields.CharField(max_length=200, default="")
    document_number = fields.CharField(max_length=60, default="")
    document_date = fields.DateField(null=True)
    feedback_item = fields.ForeignKeyField("models.FeedbackItem", related_name="questions", null=True)
    answered_at = fields.DatetimeField(null=True)
    answered_by = fields.ForeignKeyField("models.StaffUser", related_name="answered_questions", null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    # When `pakn retention` reduced the asker to initials (publication/retention.py); migration 0012.
    anonymised_at = fields.DatetimeField(null=True)

    class Meta:
        table = "question"
        unique_together = (("conference", "number"),)
        indexes = (("unit_id", "status"),)


class ConferencePublication(Model):
    """One channel through which a conference's results were published, and its date (Điều 43: the
    media, posting at the unit's seat, sending to the heads of villages and residential groups)."""

    id = fields.IntField(primary_key=True)
    conference = fields.ForeignKeyField("models.Conference", related_name="publications")
    channel = fields.CharField(max_length=16)  # conferences.vocabulary.PublicationChannel
    published_on = fields.DateField()
    note = fields.CharField(max_length=300, default="")  # e.g. the newspaper, the notice's number
    recorded_by = fields.ForeignKeyField(
        "models.StaffUser", related_name="conference_publications", null=True, on_delete=fields.SET_NULL
    )
    recorded_at = fields.DatetimeField()

    class Meta:
        table = "conference_publication"
        unique_together = (("conference", "channel"),)


class ConferenceStep(Model):
    """One reminder or escalation of a conference deadline, fired at most once by the conference sweep.

    The deadline is an answer to a question before the conference, or the publication of the results after it.
    """

    # Kinds: the rungs of feedback/deadlines/ladder.py's QUESTION and PUBLICATION ladders. Unique per
    # (conference, question, unit, kind, due_at) among steps not cancelled: an expression index (0006).
    id = fields.BigIntField(primary_key=True)
    conference = fields.ForeignKeyField("models.Conference", related_name="steps")
    question = fields.ForeignKeyField("models.Question", related_name="steps", null=True)
    unit = fields.ForeignKeyField("models.Unit", related_name="conference_steps")
    kind = fields.CharField(max_length=24)
    due_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)
    status = fields.CharField(max_length=10, default="pending")  # pending|done|skipped|cancelled
    done_at = fields.DatetimeField(null=True)
    sweep = fields.CharField(max_length=32, null=True)

    class Meta:
        table = "conference_step"
        indexes = (("status", "due_at"), ("sweep",))
