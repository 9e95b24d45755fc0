"""An entry written from a delivered repair order cites it by value: the order's number
(``document_number``, filled by workorders 0006) and its id (``repair_order_ref``), no
longer a key to the repair orders, which sit above the service book. The old column
(a key on databases migrated before) goes, its values copied first."""

from django.db import migrations, models
from django.db.models import F


def copy_refs(apps, schema_editor):
    ServiceEntry = apps.get_model("servicebook", "ServiceEntry")
    db = schema_editor.connection.alias
    ServiceEntry.objects.using(db).filter(repair_order__isnull=False).update(
        repair_order_ref=F("repair_order")
    )


def copy_back(apps, schema_editor):
    ServiceEntry = apps.get_model("servicebook", "ServiceEntry")
    db = schema_editor.connection.alias
    ServiceEntry.objects.using(db).filter(repair_order_ref__isnull=False).update(
        repair_order=F("repair_order_ref")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("servicebook", "0002_entry_review_queue"),
    ]

    operations = [
        migrations.AddField(
            model_name="serviceentry",
            name="document_number",
            field=models.CharField(blank=True, max_length=24, verbose_name="repair order"),
        ),
        migrations.AddField(
            model_name="serviceentry",
            name="repair_order_ref",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(copy_refs, copy_back),
        migrations.RemoveConstraint(
            model_name="serviceentry",
            name="entry_once_per_repair_order",
        ),
        migrations.RemoveField(
            model_name="serviceentry",
            name="repair_order",
        ),
        migrations.AddConstraint(
            model_name="serviceentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("repair_order_ref__isnull", False), ("replaces__isnull", True)),
                fields=("repair_order_ref", "kind"),
                name="entry_once_per_repair_order",
            ),
        ),
    ]
