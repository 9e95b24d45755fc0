"""A part order placed for a repair order (vehicle off road) names it by value: the
order's number (filled by workorders 0006) and its id (``repair_order_ref``), no longer a
key to the repair orders, which sit above supply. The old column (a key on databases
migrated before) goes, its values copied first."""

from django.db import migrations, models
from django.db.models import F


def copy_refs(apps, schema_editor):
    PartOrder = apps.get_model("supply", "PartOrder")
    db = schema_editor.connection.alias
    PartOrder.objects.using(db).filter(repair_order__isnull=False).update(
        repair_order_ref=F("repair_order")
    )


def copy_back(apps, schema_editor):
    PartOrder = apps.get_model("supply", "PartOrder")
    db = schema_editor.connection.alias
    PartOrder.objects.using(db).filter(repair_order_ref__isnull=False).update(
        repair_order=F("repair_order_ref")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("supply", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="partorder",
            name="repair_order_number",
            field=models.CharField(blank=True, max_length=24, verbose_name="for repair order"),
        ),
        migrations.AddField(
            model_name="partorder",
            name="repair_order_ref",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(copy_refs, copy_back),
        migrations.RemoveField(model_name="partorder", name="repair_order"),
    ]
