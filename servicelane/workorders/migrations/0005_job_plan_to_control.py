# A job's bay and planned times belong to the control centre's plan (control.JobPlan);
# control 0004 copied them there and runs before this one (its run_before).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0004_job_bay_job_planned_end_job_planned_start_and_more"),
    ]

    operations = [
        migrations.RemoveField(model_name="job", name="bay"),
        migrations.RemoveField(model_name="job", name="planned_end"),
        migrations.RemoveField(model_name="job", name="planned_start"),
    ]
