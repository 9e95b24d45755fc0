"""The special-tool register moves to its own app (servicelane.tools).

The tools app's first migration made its tables; this one copies every tool and movement
into them with their ids (the job a copy is out for kept by its id), moves the models'
content types (and so their permissions) and the audit trail's record type to the new
label, and drops control's tables. Every dependency points down the layers: control
names tools, tools names nothing above it.
"""

from django.core.management.color import no_style
from django.db import migrations

MOVED = ("specialtool", "toolmovement")


def copy_to_tools(apps, schema_editor):
    OldTool = apps.get_model("control", "SpecialTool")
    OldMovement = apps.get_model("control", "ToolMovement")
    Tool = apps.get_model("tools", "SpecialTool")
    Movement = apps.get_model("tools", "ToolMovement")
    db = schema_editor.connection.alias
    Tool.objects.using(db).bulk_create(
        Tool(
            id=old.id,
            workshop_id=old.workshop_id,
            number=old.number,
            copy=old.copy,
            name=old.name,
            storage_place=old.storage_place,
            calibration_due=old.calibration_due,
            state=old.state,
            holder_id=old.holder_id,
            job_id=old.job_id,
            due_back_at=old.due_back_at,
        )
        for old in OldTool.objects.using(db).order_by("id").iterator()
    )
    Movement.objects.using(db).bulk_create(
        Movement(
            id=old.id,
            tool_id=old.tool_id,
            kind=old.kind,
            technician_id=old.technician_id,
            job_id=old.job_id,
            state=old.state,
            actor_id=old.actor_id,
            at=old.at,
        )
        for old in OldMovement.objects.using(db).order_by("id").iterator()
    )
    # New rows after the copied ids (PostgreSQL's sequences; SQLite follows by itself).
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Tool, Movement]):
            cursor.execute(sql)
    _relabel(apps, db, "control", "tools")


def copy_back(apps, schema_editor):
    OldTool = apps.get_model("control", "SpecialTool")
    OldMovement = apps.get_model("control", "ToolMovement")
    Tool = apps.get_model("tools", "SpecialTool")
    Movement = apps.get_model("tools", "ToolMovement")
    db = schema_editor.connection.alias
    OldTool.objects.using(db).bulk_create(
        OldTool(
            id=new.id,
            workshop_id=new.workshop_id,
            number=new.number,
            copy=new.copy,
            name=new.name,
            storage_place=new.storage_place,
            calibration_due=new.calibration_due,
            state=new.state,
            holder_id=new.holder_id,
            job_id=new.job_id,
            due_back_at=new.due_back_at,
        )
        for new in Tool.objects.using(db).order_by("id").iterator()
    )
    OldMovement.objects.using(db).bulk_create(
        OldMovement(
            id=new.id,
            tool_id=new.tool_id,
            kind=new.kind,
            technician_id=new.technician_id,
            job_id=new.job_id,
            state=new.state,
            actor_id=new.actor_id,
            at=new.at,
        )
        for new in Movement.objects.using(db).order_by("id").iterator()
    )
    Movement.objects.using(db).all().delete()
    Tool.objects.using(db).all().delete()
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [OldTool, OldMovement]):
            cursor.execute(sql)
    _relabel(apps, db, "tools", "control")


def _relabel(apps, db, old_label, new_label):
    """Content types (with the permissions hanging on them) and audit entries follow the
    models to their new app label."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    types = ContentType.objects.using(db)
    for model in MOVED:
        if types.filter(app_label=old_label, model=model).exists():
            # One made meanwhile for the new label (by an earlier migrate) has no history.
            types.filter(app_label=new_label, model=model).delete()
            types.filter(app_label=old_label, model=model).update(app_label=new_label)
        AuditEntry.objects.using(db).filter(target_type=f"{old_label}.{model}").update(
            target_type=f"{new_label}.{model}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0006_tokens_follow_credentials"),
        ("control", "0002_planningrun_discarded"),
        ("tools", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_tools, copy_back),
        migrations.DeleteModel(name="ToolMovement"),
        migrations.DeleteModel(name="SpecialTool"),
    ]
