"""The network's reference data the tests share: its operations (labour catalogue and
checklists), Freiburg's capacity booking them, and a small parts catalogue.

The parts catalogue: two vehicle types (a 3 Series and a 5 Series), oil filters for each,
the 3 Series filter's two older numbers, brake parts, a universal engine oil, and a part of
another network with the same name."""

from dataclasses import dataclass

import pytest

from servicelane.appointments.tests.factories import Capacity, capacity
from servicelane.core.models import Network
from servicelane.core.tests.factories import NetworkFactory
from servicelane.parts.models import Part, PartGroup
from servicelane.parts.tests.factories import PartGroupFactory, catalogue_part
from servicelane.vehicles.models import VehicleType
from servicelane.vehicles.tests.factories import VehicleTypeFactory
from servicelane.workorders.catalogue import ensure_catalogue
from servicelane.workorders.tests.factories import with_operations

EUR_CNY = {"DE": ("EUR", "16.90"), "CN": ("CNY", "132.00")}


@pytest.fixture
def operations(network) -> Network:
    """The network's operations, menu prices and checklists (workorders/catalogue.py)."""
    ensure_catalogue(network)
    return network


@pytest.fixture
def fr_cap(freiburg, operations) -> Capacity:
    """Freiburg's booking capacity (Mon-Sat 08:00-17:00, one bay per lane), its service
    types doing the network's operations. The booking tests have their own, without."""
    cap = capacity(freiburg)
    with_operations(cap)
    return cap


@dataclass
class Catalogue:
    g20: VehicleType
    g60: VehicleType
    engine: PartGroup
    lubrication: PartGroup
    oil_filter: Part  # current, fits the G20
    oil_filter_old: Part  # 11427566327 → 11427635557 → oil_filter
    oil_filter_older: Part
    oil_filter_g60: Part
    pads: Part
    disc: Part
    engine_oil: Part  # universal
    foreign: Part  # another network's


@pytest.fixture
def catalogue(network) -> Catalogue:
    """The network's parts catalogue (see the module's docstring)."""
    g20 = VehicleTypeFactory(network=network, model_code="G20-320i", model_name="320i Sedan")
    g60 = VehicleTypeFactory(
        network=network, series="5 Series", model_code="G60-520i", model_name="520i Sedan"
    )
    engine = PartGroupFactory(network=network, code="11", name_en="Engine", name_de="Motor",
                              name_zh_hans="发动机")  # fmt: skip
    lubrication = PartGroupFactory(
        network=network, code="11-42", parent=engine, name_en="Lubrication system",
        name_de="Schmiersystem", name_zh_hans="润滑系统",
    )  # fmt: skip
    brakes = PartGroupFactory(network=network, code="34", name_en="Brakes", name_de="Bremsen",
                              name_zh_hans="制动器")  # fmt: skip
    oil_filter = catalogue_part(
        network, "11 42 7 953 129", "Oil filter element", "Ölfiltereinsatz", "机油滤清器滤芯",
        group=lubrication, fits=[g20], prices=EUR_CNY, unit="set",
    )  # fmt: skip
    old = catalogue_part(
        network, "11427635557", "Oil filter element", "Ölfiltereinsatz", "机油滤清器滤芯",
        group=lubrication, fits=[g20], superseded_by=oil_filter,
    )  # fmt: skip
    older = catalogue_part(
        network, "11427566327", "Oil filter element", "Ölfiltereinsatz", "机油滤清器滤芯",
        group=lubrication, fits=[g20], superseded_by=old,
    )  # fmt: skip
    oil_filter_g60 = catalogue_part(
        network, "11428575211", "Oil filter element", "Ölfiltereinsatz", "机油滤清器滤芯",
        group=lubrication, fits=[g60], prices={"DE": ("EUR", "19.40")}, unit="set",
    )  # fmt: skip
    pads = catalogue_part(
        network, "34116860016", "Brake pad set front", "Bremsbelagsatz vorn", "前制动片组件",
        group=brakes, fits=[g20], prices={"DE": ("EUR", "128.00"), "CN": ("CNY", "998.00")},
    )  # fmt: skip
    disc = catalogue_part(
        network, "34116860911", "Brake disc front, ventilated", "Bremsscheibe vorn, belüftet",
        "前制动盘，通风式", group=brakes, fits=[g60],
    )  # fmt: skip
    engine_oil = catalogue_part(
        network, "83212465849", "Engine oil 5W-30 Longlife", "Motoröl 5W-30 Longlife",
        "发动机机油 5W-30 长效", group=lubrication, unit="litre", prices={"DE": ("EUR", "18.40")},
    )  # fmt: skip
    foreign = catalogue_part(NetworkFactory(), "11427953100", "Oil filter element")
    return Catalogue(
        g20=g20,
        g60=g60,
        engine=engine,
        lubrication=lubrication,
        oil_filter=oil_filter,
        oil_filter_old=old,
        oil_filter_older=older,
        oil_filter_g60=oil_filter_g60,
        pads=pads,
        disc=disc,
        engine_oil=engine_oil,
        foreign=foreign,
    )
