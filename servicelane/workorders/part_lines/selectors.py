"""The order's catalogue part lines and the jobs that wait for their goods."""

import datetime as dt

from servicelane.store.availability import lines_waiting_for_goods
from servicelane.workorders.choices import (
    JobStatus,
)
from servicelane.workorders.models import (
    Job,
    JobLine,
    RepairOrder,
)


def catalogue_part_lines(repair_order: RepairOrder) -> list[JobLine]:
    """The order's catalogue part lines of jobs still wanted, from the prefetched jobs
    (``repair_order_get_for_user``)."""
    return [
        line
        for job in repair_order.jobs.all()
        if job.status != JobStatus.DECLINED
        for line in job.lines.all()
        if line.part_id is not None
    ]


def jobs_waiting_for_parts(job_ids: list[int]) -> dict[int, dt.datetime | None]:
    """Jobs with a part reservation still waiting for goods, and the latest promised
    arrival of what they wait for (None while something is on back-order or not
    ordered)."""
    job_of = dict(
        JobLine.objects.filter(job_id__in=job_ids, part__isnull=False).values_list("pk", "job_id")
    )
    waiting: dict[int, dt.datetime | None] = {}
    unknown: set[int] = set()
    for line_ref, promised in lines_waiting_for_goods(list(job_of)):
        job_id = job_of[line_ref]
        latest = waiting.get(job_id)
        if promised is None:
            unknown.add(job_id)
        elif latest is None or promised > latest:
            waiting[job_id] = promised
    for job_id in unknown:
        waiting[job_id] = None
    return waiting


def jobs_with_parts_state(jobs: list[Job]) -> list[Job]:
    """The jobs, each with ``waiting_for_parts`` (a reservation of its parts waits for
    goods) and ``parts_expected_at`` (the latest promised arrival of what it waits for;
    None while something is not ordered or on back-order), as the repair order's page
    and the technician's tablet show them. One query for all of them."""
    waiting = jobs_waiting_for_parts([job.pk for job in jobs])
    for job in jobs:
        job.waiting_for_parts = job.pk in waiting
        job.parts_expected_at = waiting.get(job.pk)
    return jobs
