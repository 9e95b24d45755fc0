"""The survey API: read only. Answers come from the owner's signed link, never the API."""

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from servicelane.core.apiutils import ERRORS, Pagination
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import CodeText
from servicelane.core.tenancy import access_for
from servicelane.core.types import ApiRequest
from servicelane.followup import selectors
from servicelane.followup.choices import Period
from servicelane.followup.schemas import SummaryOut, SurveyFilters, SurveyOut

router = Router(tags=["surveys"])


class SummaryQuery(Schema):
    period: Period = Field(Period.MONTH, description="week, month or quarter")
    workshop: CodeText | None = Field(None, description="Workshop code; all of yours when left out")


@router.get("", response={200: list[SurveyOut], **ERRORS})
@paginate(Pagination)
def list_surveys(request: ApiRequest, filters: Query[SurveyFilters]) -> object:
    """Answered and pending surveys of your workshop(s), newest delivery first."""
    access_for(request.user).require(Perm.SURVEY_VIEW)
    return selectors.survey_list_for_user(request.user, filters.model_dump(exclude_none=True))


@router.get("/summary", response={200: SummaryOut, **ERRORS})
def survey_summary(request: ApiRequest, query: Query[SummaryQuery]) -> dict:
    """Sent, answered, response rate, average satisfaction and NPS per period (the last 12
    weeks, months or quarters, by the workshop's local date) and per service advisor."""
    access_for(request.user).require(Perm.SURVEY_VIEW)
    results = selectors.survey_results(
        user=request.user, period=query.period, workshop=query.workshop
    )
    return {
        "period": results.period,
        "workshops": [w.code for w in results.workshops],
        "total": results.total,
        "periods": results.periods,
        "advisors": results.advisors,
    }
