"""A job's bay and planned times move from the job (workorders) to the control centre's
plan: JobPlan is made and filled from the jobs' columns before workorders 0005 drops them
(``run_before``: the copy comes first on every database, while workorders' migrations
name nothing above them)."""

import django.db.models.deletion
from django.db import migrations, models


def copy_plans(apps, schema_editor):
    Job = apps.get_model("workorders", "Job")
    JobPlan = apps.get_model("control", "JobPlan")
    Bay = apps.get_model("control", "Bay")
    db = schema_editor.connection.alias
    bays = set(Bay.objects.using(db).values_list("pk", flat=True))
    planned = (
        Job.objects.using(db)
        .exclude(bay__isnull=True, planned_start__isnull=True, planned_end__isnull=True)
        .values_list("pk", "bay", "planned_start", "planned_end")
        .order_by("pk")
    )
    JobPlan.objects.using(db).bulk_create(
        JobPlan(
            job_id=job_id,
            bay_id=bay_id if bay_id in bays else None,
            planned_start=start,
            planned_end=end,
        )
        for job_id, bay_id, start, end in planned.iterator()
    )


def copy_back(apps, schema_editor):
    Job = apps.get_model("workorders", "Job")
    JobPlan = apps.get_model("control", "JobPlan")
    db = schema_editor.connection.alias
    for plan in JobPlan.objects.using(db).iterator():
        Job.objects.using(db).filter(pk=plan.job_id).update(
            bay=plan.bay_id, planned_start=plan.planned_start, planned_end=plan.planned_end
        )


class Migration(migrations.Migration):
    dependencies = [
        ("control", "0003_special_tools_to_tools"),
        ("workorders", "0004_job_bay_job_planned_end_job_planned_start_and_more"),
    ]
    run_before = [("workorders", "0005_job_plan_to_control")]

    operations = [
        migrations.CreateModel(
            name="JobPlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "planned_start",
                    models.DateTimeField(blank=True, null=True, verbose_name="planned start"),
                ),
                (
                    "planned_end",
                    models.DateTimeField(blank=True, null=True, verbose_name="planned end"),
                ),
                (
                    "bay",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="job_plans",
                        to="control.bay",
                        verbose_name="bay",
                    ),
                ),
                (
                    "job",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="plan",
                        to="workorders.job",
                        verbose_name="job",
                    ),
                ),
            ],
            options={
                "verbose_name": "job plan",
                "verbose_name_plural": "job plans",
            },
        ),
        migrations.RunPython(copy_plans, copy_back),
    ]
