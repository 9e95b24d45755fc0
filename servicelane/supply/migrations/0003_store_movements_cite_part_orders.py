"""The store's receipts cite the part order the goods came with by its number, copied here
from the order line each one named before the store drops that column (store 0004: the
copy comes first on every database, while the store's migrations name nothing above
them)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_numbers(apps, schema_editor):
    PartOrderLine = apps.get_model("supply", "PartOrderLine")
    StockMovement = apps.get_model("store", "StockMovement")
    db = schema_editor.connection.alias
    numbers = PartOrderLine.objects.using(db).filter(pk=OuterRef("order_line"))
    StockMovement.objects.using(db).filter(order_line__isnull=False).update(
        part_order_number=Subquery(numbers.values("order__number")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0003_store_cites_its_documents"),
        ("supply", "0002_part_order_cites_its_repair_order"),
    ]
    run_before = [("store", "0004_old_keys_dropped")]

    operations = [
        migrations.RunPython(copy_numbers, migrations.RunPython.noop),
    ]
