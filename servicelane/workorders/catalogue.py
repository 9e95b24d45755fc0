# ruff: noqa: E501  (data tables read best one row per line)
"""The network's standard labour operations, menu prices and checklists.

Demo data and tests both start from this set; a real network loads its own
through the configuration site.
"""

from decimal import Decimal

from servicelane.core.choices import QualificationLevel as L
from servicelane.core.models import Network
from servicelane.servicebook.catalogue import ensure_maintenance_items
from servicelane.workorders.choices import ChecklistKind as K
from servicelane.workorders.models import (
    ChecklistPoint,
    ChecklistTemplate,
    LabourOperation,
    MenuPrice,
)

# code, English, German, Chinese, time units (12 = 1 h), level, CBS item, menu EUR, menu CNY
OPERATIONS = [
    ("OIL-SERVICE", "Engine oil and filter change", "Motoröl- und Filterwechsel", "更换机油及机滤",
     6, L.INDUCTION, "engine_oil", "89.00", "450.00"),
    ("MICRO-FILTER", "Replace micro filter", "Mikrofilter ersetzen", "更换空调滤芯",
     3, L.INDUCTION, "micro_filter", "39.00", "180.00"),
    ("VEHICLE-CHECK", "Vehicle check", "Fahrzeug-Check", "车辆检查",
     6, L.MECHATRONIC, "vehicle_check", "59.00", "300.00"),
    ("BRAKE-FLUID", "Replace brake fluid", "Bremsflüssigkeit erneuern", "更换制动液",
     6, L.MECHATRONIC, "brake_fluid", "69.00", "350.00"),
    ("BRAKES-FRONT", "Replace front brake pads and discs", "Bremsbeläge und -scheiben vorn ersetzen",
     "更换前制动片及制动盘", 18, L.TECHNICIAN, "front_brakes", None, None),
    ("BRAKES-REAR", "Replace rear brake pads", "Bremsbeläge hinten ersetzen", "更换后制动片",
     12, L.TECHNICIAN, "rear_brakes", None, None),
    ("SPARK-PLUGS", "Replace spark plugs", "Zündkerzen ersetzen", "更换火花塞",
     9, L.MECHATRONIC, "spark_plugs", None, None),
    ("WIPER-BLADES", "Replace wiper blades", "Wischerblätter ersetzen", "更换雨刮片",
     2, L.INDUCTION, "", None, None),
    ("TYRES-CHANGE", "Change and balance tyres (4)", "Reifen wechseln und wuchten (4)",
     "更换并平衡轮胎（4条）", 8, L.INDUCTION, "", None, None),
    ("DIAGNOSIS", "Fault diagnosis with tester", "Fehlerdiagnose mit Tester", "诊断仪故障诊断",
     12, L.TECHNICIAN, "", None, None),
    ("HV-BATTERY-CHECK", "High-voltage battery check", "Hochvoltbatterie prüfen", "高压电池检查",
     18, L.SENIOR, "", None, None),
    ("BODY-SMALL", "Small body and paint repair", "Kleine Karosserie- und Lackreparatur",
     "小面积钣金喷漆修复", 36, L.TECHNICIAN, "", None, None),
]  # fmt: skip

# What the planner needs per operation: technician skills, bay equipment, special tools
# (by tool number). Operations not listed need a lift-free bay and no skill.
REQUIREMENTS = {
    "OIL-SERVICE": ((), ("lift",), ()),
    "BRAKE-FLUID": ((), ("lift",), ("83 30 2 408 593",)),
    "BRAKES-FRONT": ((), ("lift",), ()),
    "BRAKES-REAR": ((), ("lift",), ()),
    "SPARK-PLUGS": ((), (), ("83 30 0 493 933",)),
    "TYRES-CHANGE": ((), ("lift",), ()),
    "DIAGNOSIS": (("diagnosis",), (), ("ICOM-NEXT",)),
    "HV-BATTERY-CHECK": (("high_voltage",), ("high_voltage",), ("83 30 2 447 478",)),
    "BODY-SMALL": (("body", "paint"), ("paint_booth",), ()),
}

# kind, names, service type code, points (English, German, Chinese, suggested operation)
CHECKLISTS = [
    (K.QUICK, ("Quick check", "Schnell-Check", "快速检查"), "", [
        ("Tyres and tread depth", "Reifen und Profiltiefe", "轮胎及花纹深度", "TYRES-CHANGE"),
        ("Front brakes", "Bremsen vorn", "前制动器", "BRAKES-FRONT"),
        ("Wiper blades", "Wischerblätter", "雨刮片", "WIPER-BLADES"),
        ("Lights", "Beleuchtung", "灯光", ""),
        ("Fluid levels", "Flüssigkeitsstände", "液位", "BRAKE-FLUID"),
    ]),
    (K.DETAILED, ("Detailed check", "Detaillierte Prüfung", "详细检查"), "", [
        ("Front brakes", "Bremsen vorn", "前制动器", "BRAKES-FRONT"),
        ("Rear brakes", "Bremsen hinten", "后制动器", "BRAKES-REAR"),
        ("Brake fluid", "Bremsflüssigkeit", "制动液", "BRAKE-FLUID"),
        ("Suspension and steering", "Fahrwerk und Lenkung", "悬挂与转向", ""),
        ("Exhaust system", "Abgasanlage", "排气系统", ""),
        ("Battery", "Batterie", "蓄电池", ""),
        ("Fault memory", "Fehlerspeicher", "故障存储器", "DIAGNOSIS"),
    ]),
    (K.SERVICE, ("Oil service check", "Ölservice-Prüfung", "机油保养检查"), "oil-service", [
        ("Oil level after change", "Ölstand nach Wechsel", "换油后机油液位", ""),
        ("Micro filter", "Mikrofilter", "空调滤芯", "MICRO-FILTER"),
    ]),
    (K.QC_TECHNICIAN, ("Technician's check", "Selbstprüfung Mechaniker", "技师自检"), "", [
        ("All reported work done to the repair instructions", "Alle Arbeiten nach Reparaturanleitung ausgeführt", "已按维修手册完成全部作业", ""),
        ("Bolts torqued to specification", "Schrauben mit Anzugsmoment angezogen", "螺栓已按规定扭矩拧紧", ""),
        ("Fault memory cleared, test drive if needed", "Fehlerspeicher gelöscht, ggf. Probefahrt", "已清除故障码，必要时已试车", ""),
    ]),
    (K.QC_FOREMAN, ("Foreman's final check", "Endkontrolle Meister", "车间主管终检"), "", [
        ("Work matches the approved jobs", "Arbeiten entsprechen den freigegebenen Aufträgen", "作业与已批准项目一致", ""),
        ("No leaks, no warning lights", "Keine Undichtigkeiten, keine Warnleuchten", "无渗漏、无警告灯", ""),
        ("Old parts kept for the customer", "Altteile für den Kunden aufbewahrt", "旧件已为客户保留", ""),
    ]),
    (K.QC_ADVISOR, ("Advisor's final check", "Endkontrolle Serviceberater", "服务顾问终检"), "", [
        ("Every reported item done", "Alle beanstandeten Punkte erledigt", "所有报修项目已完成", ""),
        ("Car clean inside and out", "Fahrzeug innen und außen sauber", "车辆内外清洁", ""),
        ("Service book and reminders updated", "Serviceheft und Erinnerungen aktualisiert", "保养记录及提醒已更新", ""),
    ]),
    (K.HANDOVER, ("Handover", "Fahrzeugübergabe", "交车"), "", [
        ("Work and invoice explained", "Arbeiten und Rechnung erklärt", "已解释作业内容及发票", ""),
        ("Car inspected together, no damage", "Fahrzeug gemeinsam geprüft, keine Schäden", "已与客户共同验车，无损伤", ""),
        ("Old parts offered", "Altteile angeboten", "已向客户展示旧件", ""),
        ("Usage advice given, next service explained", "Hinweise zur Nutzung und zum nächsten Service gegeben", "已提供用车建议并说明下次保养", ""),
    ]),
]  # fmt: skip


def _requirements(code: str) -> dict[str, list[str]]:
    skills, equipment, tools = REQUIREMENTS.get(code, ((), (), ()))
    return {"skills": list(skills), "equipment": list(equipment), "tools": list(tools)}


def ensure_catalogue(network: Network) -> None:
    """Create the standard operations, menu prices and checklists the network lacks, and the
    maintenance items the operations perform."""
    ensure_maintenance_items(network)
    for code, en, de, zh, units, level, cbs, eur, cny in OPERATIONS:
        operation, created = LabourOperation.objects.get_or_create(
            network=network,
            code=code,
            defaults={
                "name_en": en,
                "name_de": de,
                "name_zh_hans": zh,
                "time_units": units,
                "level": level,
                "cbs_code": cbs,
                **_requirements(code),
            },
        )
        if created:
            for currency, price in (("EUR", eur), ("CNY", cny)):
                if price:
                    MenuPrice.objects.create(
                        operation=operation, currency=currency, price=Decimal(price)
                    )
    for kind, (en, de, zh), service_code, points in CHECKLISTS:
        template, created = ChecklistTemplate.objects.get_or_create(
            network=network,
            kind=kind,
            service_type_code=service_code,
            defaults={"name_en": en, "name_de": de, "name_zh_hans": zh},
        )
        if created:
            ChecklistPoint.objects.bulk_create(
                ChecklistPoint(
                    template=template,
                    position=n,
                    text_en=p_en,
                    text_de=p_de,
                    text_zh_hans=p_zh,
                    operation_code=op,
                )
                for n, (p_en, p_de, p_zh, op) in enumerate(points, start=1)
            )


# Which operations each demo service type consists of.
SERVICE_OPERATIONS = {
    "express-oil": "OIL-SERVICE",
    "oil-service": "OIL-SERVICE MICRO-FILTER VEHICLE-CHECK",
    "diagnosis": "DIAGNOSIS",
    "small-body-paint": "BODY-SMALL",
    "inspection": "VEHICLE-CHECK BRAKE-FLUID",
    "brakes": "BRAKES-FRONT",
    "tyre-change": "TYRES-CHANGE",
}
