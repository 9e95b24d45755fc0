"""The apps below the repair orders cite them by value instead of keys: here what they
keep of each order is copied from it (its number; a survey's car and customer; the order
of a reservation's part line). The service book (0003), the follow-up (0002) and supply
(0002) moved the order's id to their own columns already; the store drops its old
columns only after this copy (store 0004, ``run_before``), so nothing below names the
repair orders' migrations."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_values(apps, schema_editor):
    RepairOrder = apps.get_model("workorders", "RepairOrder")
    JobLine = apps.get_model("workorders", "JobLine")
    db = schema_editor.connection.alias
    order = RepairOrder.objects.using(db).filter(pk=OuterRef("repair_order_ref"))

    def number():
        return Subquery(order.values("number")[:1])

    ServiceEntry = apps.get_model("servicebook", "ServiceEntry")
    ServiceEntry.objects.using(db).filter(repair_order_ref__isnull=False).update(
        document_number=number()
    )
    Survey = apps.get_model("followup", "Survey")
    Survey.objects.using(db).update(
        repair_order_number=number(),
        vehicle=Subquery(order.values("vehicle")[:1]),
        customer=Subquery(order.values("customer")[:1]),
    )
    PartOrder = apps.get_model("supply", "PartOrder")
    PartOrder.objects.using(db).filter(repair_order_ref__isnull=False).update(
        repair_order_number=number()
    )
    Reservation = apps.get_model("store", "Reservation")
    line = JobLine.objects.using(db).filter(pk=OuterRef("job_line_ref"))
    Reservation.objects.using(db).update(
        repair_order_ref=Subquery(line.values("job__repair_order")[:1]),
        repair_order_number=Subquery(line.values("job__repair_order__number")[:1]),
    )
    StockMovement = apps.get_model("store", "StockMovement")
    StockMovement.objects.using(db).filter(repair_order_ref__isnull=False).update(
        repair_order_number=number()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_survey_cites_its_repair_order"),
        ("servicebook", "0003_entry_cites_its_repair_order"),
        ("store", "0003_store_cites_its_documents"),
        ("supply", "0002_part_order_cites_its_repair_order"),
        ("workorders", "0005_job_plan_to_control"),
    ]
    run_before = [("store", "0004_old_keys_dropped")]

    operations = [
        migrations.RunPython(copy_values, migrations.RunPython.noop),
    ]
