"""What the survey API reads: schemas only, no rules. Times are ISO 8601 in UTC."""

import datetime as dt
from decimal import Decimal

from ninja import Field, FilterSchema, Schema

from servicelane.core.schema_types import CodeText, SaneDate, UtcDateTime
from servicelane.followup.choices import Period
from servicelane.followup.models import Survey


class SurveyOut(Schema):
    id: int
    workshop: str = Field(..., alias="workshop.code")
    repair_order_id: int
    repair_order_number: str
    advisor_id: int | None
    advisor_name: str | None = None
    language: str
    delivered_at: UtcDateTime
    delivered_on: dt.date | None = Field(
        None, alias="local_date", description="The delivery day in the workshop's time zone"
    )
    sent_at: UtcDateTime | None
    answered_at: UtcDateTime | None
    satisfaction: int | None = Field(None, description="1–5")
    recommend: int | None = Field(None, description="0–10")
    comment: str
    group: str | None = Field(None, description="promoter (9–10), passive (7–8), detractor (0–6)")
    manager_alerted_at: UtcDateTime | None

    @staticmethod
    def resolve_repair_order_id(obj: Survey) -> int:
        return obj.repair_order_ref

    @staticmethod
    def resolve_advisor_name(obj: Survey) -> str | None:
        return str(obj.advisor) if obj.advisor_id else None

    @staticmethod
    def resolve_group(obj: Survey) -> str | None:
        if obj.recommend is None:
            return None
        return "promoter" if obj.is_promoter else "detractor" if obj.is_detractor else "passive"


class SurveyFilters(FilterSchema):
    workshop: CodeText | None = Field(None, description="Workshop code")
    answered: bool | None = Field(None, description="true: answered only; false: still open")
    date_from: SaneDate | None = Field(
        None, description="Delivered on or after (the workshop's local date)"
    )
    date_to: SaneDate | None = Field(
        None, description="Delivered on or before (the workshop's local date)"
    )


class FiguresOut(Schema):
    sent: int
    answered: int
    response_rate: int | None = Field(None, description="Answered per sent, in %")
    avg_satisfaction: Decimal | None = Field(None, description="1–5, one decimal")
    promoters: int
    passives: int
    detractors: int
    nps: int | None = Field(None, description="% promoters − % detractors; null without answers")


class PeriodOut(FiguresOut):
    start: dt.date
    end: dt.date = Field(..., description="The period's last day")
    label: str


class AdvisorOut(FiguresOut):
    advisor_id: int | None
    name: str
    workshop: str


class SummaryOut(Schema):
    period: Period
    workshops: list[str] = Field(..., description="Codes of the workshops counted")
    total: FiguresOut
    periods: list[PeriodOut] = Field(..., description="The last 12 periods, the current one last")
    advisors: list[AdvisorOut]
