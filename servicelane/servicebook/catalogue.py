"""The network's Condition Based Service items and their intervals.

The codes are those the cars report in their CBS data (docs/cbs.md) and the
labour operations name (``LabourOperation.cbs_code``), so a delivered repair
order, a reading of the car and a hand entry all speak of the same item.
"""

from servicelane.core.models import Network
from servicelane.servicebook.models import MaintenanceInterval, MaintenanceItem
from servicelane.vehicles.choices import FuelType
from servicelane.vehicles.models import VehicleType
from servicelane.vehicles.selectors import network_vehicle_types

# code, English, German, Chinese, months, km
ITEMS = [
    ("engine_oil", "Engine oil", "Motoröl", "机油", 12, 15000),
    ("vehicle_check", "Vehicle check", "Fahrzeug-Check", "车辆检查", 24, 30000),
    ("micro_filter", "Micro filter", "Mikrofilter", "空调滤芯", 24, 30000),
    ("brake_fluid", "Brake fluid", "Bremsflüssigkeit", "制动液", 24, None),
    ("front_brakes", "Front brakes", "Bremsen vorn", "前制动器", None, 50000),
    ("rear_brakes", "Rear brakes", "Bremsen hinten", "后制动器", None, 80000),
    ("spark_plugs", "Spark plugs", "Zündkerzen", "火花塞", 48, 60000),
]

# Items a drive train does not have; everything else applies with the network interval.
# Keyed by a vehicle type's fuel (the text it keeps).
NOT_APPLICABLE: dict[str, set[str]] = {
    FuelType.ELECTRIC: {"engine_oil", "spark_plugs"},
    FuelType.DIESEL: {"spark_plugs"},
}
# Electric cars brake with the motor: their pads last longer.
LONGER_KM: dict[str, dict[str, int]] = {
    FuelType.ELECTRIC: {"front_brakes": 80000, "rear_brakes": 120000}
}


def ensure_maintenance_items(network: Network) -> None:
    """Create the standard items the network lacks, and each vehicle type's exceptions."""
    items = {}
    for position, (code, en, de, zh, months, km) in enumerate(ITEMS):
        items[code], _ = MaintenanceItem.objects.get_or_create(
            network=network,
            code=code,
            defaults={
                "name_en": en,
                "name_de": de,
                "name_zh_hans": zh,
                "interval_months": months,
                "interval_km": km,
                "position": position,
            },
        )
    for vehicle_type in network_vehicle_types(network_id=network.pk):
        ensure_type_intervals(vehicle_type, items)


def ensure_type_intervals(
    vehicle_type: VehicleType, items: dict[str, MaintenanceItem] | None = None
) -> None:
    """The exceptions of one vehicle type, from its fuel type."""
    if items is None:
        items = {i.code: i for i in MaintenanceItem.objects.filter(network=vehicle_type.network)}
    for code in NOT_APPLICABLE.get(vehicle_type.fuel_type, ()):
        if code in items:
            MaintenanceInterval.objects.get_or_create(
                item=items[code], vehicle_type=vehicle_type, defaults={"applies": False}
            )
    for code, km in LONGER_KM.get(vehicle_type.fuel_type, {}).items():
        if code in items:
            MaintenanceInterval.objects.get_or_create(
                item=items[code], vehicle_type=vehicle_type, defaults={"interval_km": km}
            )
