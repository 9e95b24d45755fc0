"""A survey names its delivered repair order by value: the order's number, its id
(``repair_order_ref``, one survey per order), its car and customer (filled by workorders
0006), no longer a key to the repair orders, which sit above the follow-up. The old
column (a key on databases migrated before) goes, its values copied first."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def copy_refs(apps, schema_editor):
    Survey = apps.get_model("followup", "Survey")
    db = schema_editor.connection.alias
    Survey.objects.using(db).update(repair_order_ref=F("repair_order"))


def copy_back(apps, schema_editor):
    Survey = apps.get_model("followup", "Survey")
    db = schema_editor.connection.alias
    Survey.objects.using(db).update(repair_order=F("repair_order_ref"))


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("followup", "0001_initial"),
        ("vehicles", "0002_vehicle_warranty_until"),
    ]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="repair_order_ref",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="survey",
            name="repair_order_number",
            field=models.CharField(default="", max_length=24, verbose_name="repair order"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="survey",
            name="vehicle",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="vehicles.vehicle",
                verbose_name="vehicle",
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="customer",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="customers.customer",
                verbose_name="customer",
            ),
        ),
        migrations.RunPython(copy_refs, copy_back),
        migrations.RemoveField(model_name="survey", name="repair_order"),
        migrations.AlterField(
            model_name="survey",
            name="repair_order_ref",
            field=models.PositiveBigIntegerField(unique=True),
        ),
    ]
