"""The store cites the documents its records serve by value instead of keys to the apps
above it: a reservation its repair order's part line (the order's number and the order's
and line's ids) and the part order line bringing its goods (that line's id); a ledger row
the repair order and line it moved goods for, or the part order the goods came with.

Here the new columns come, with the ids the old columns held; workorders 0006 and supply
0003 fill the numbers and the reservations' orders (each names itself ``run_before`` 0004),
and 0004 drops the old columns (keys on databases migrated before)."""

from django.db import migrations, models
from django.db.models import F


def copy_refs(apps, schema_editor):
    Reservation = apps.get_model("store", "Reservation")
    StockMovement = apps.get_model("store", "StockMovement")
    db = schema_editor.connection.alias
    Reservation.objects.using(db).update(job_line_ref=F("job_line"), order_line_ref=F("order_line"))
    StockMovement.objects.using(db).update(
        repair_order_ref=F("repair_order"), job_line_ref=F("job_line")
    )


def copy_back(apps, schema_editor):
    Reservation = apps.get_model("store", "Reservation")
    StockMovement = apps.get_model("store", "StockMovement")
    db = schema_editor.connection.alias
    Reservation.objects.using(db).update(job_line=F("job_line_ref"), order_line=F("order_line_ref"))
    StockMovement.objects.using(db).update(
        repair_order=F("repair_order_ref"), job_line=F("job_line_ref")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="reservation",
            name="repair_order_number",
            field=models.CharField(default="", max_length=24, verbose_name="repair order"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reservation",
            name="repair_order_ref",
            field=models.PositiveBigIntegerField(db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="reservation",
            name="job_line_ref",
            field=models.PositiveBigIntegerField(db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="reservation",
            name="order_line_ref",
            field=models.PositiveBigIntegerField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="stockmovement",
            name="repair_order_number",
            field=models.CharField(blank=True, max_length=24, verbose_name="repair order"),
        ),
        migrations.AddField(
            model_name="stockmovement",
            name="repair_order_ref",
            field=models.PositiveBigIntegerField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="stockmovement",
            name="job_line_ref",
            field=models.PositiveBigIntegerField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="stockmovement",
            name="part_order_number",
            field=models.CharField(blank=True, max_length=24, verbose_name="part order"),
        ),
        migrations.RunPython(copy_refs, copy_back),
    ]
