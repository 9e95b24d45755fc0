"""The old columns go (their values were copied by 0003, workorders 0006 and supply
0003); a reservation names its part line and repair order always, and one open
reservation per line holds on the line's id."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0003_store_cites_its_documents"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="reservation",
            name="reservation_one_open_per_line",
        ),
        migrations.RemoveField(model_name="reservation", name="job_line"),
        migrations.RemoveField(model_name="reservation", name="order_line"),
        migrations.RemoveField(model_name="stockmovement", name="job_line"),
        migrations.RemoveField(model_name="stockmovement", name="order_line"),
        migrations.RemoveField(model_name="stockmovement", name="repair_order"),
        migrations.AlterField(
            model_name="reservation",
            name="repair_order_ref",
            field=models.PositiveBigIntegerField(db_index=True),
        ),
        migrations.AlterField(
            model_name="reservation",
            name="job_line_ref",
            field=models.PositiveBigIntegerField(db_index=True),
        ),
        migrations.AddConstraint(
            model_name="reservation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ("waiting", "held"))),
                fields=("job_line_ref",),
                name="reservation_one_open_per_line",
            ),
        ),
    ]
