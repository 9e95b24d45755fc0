"""Builds the demo network for `make run`, the browser tests and the benchmarks: the
network and its catalogues, then each workshop's people, customers and cars, bookings,
repair orders in every step, floor and attendance, the stores and distribution centres,
today's busy day and the fortnight of work behind it. Each part is its own module."""

import random
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Network, User, Workshop
from servicelane.demo import data
from servicelane.demo.attendance import build_attendance
from servicelane.demo.bookings import build_bookings
from servicelane.demo.busy_day import build_busy_day
from servicelane.demo.catalogue import build_catalogue
from servicelane.demo.control import build_control, check_out_a_tool
from servicelane.demo.customers import Fleet
from servicelane.demo.history import build_job_history, settle_todays_work
from servicelane.demo.people import Accounts, staff_email
from servicelane.demo.repair_orders import build_repair_orders
from servicelane.demo.supply import build_supply
from servicelane.servicebook.catalogue import ensure_maintenance_items
from servicelane.vehicles.models import VehicleType
from servicelane.workorders.catalogue import ensure_catalogue

CUSTOMERS_PER_WORKSHOP = 200
CATALOGUE_SEED = 7


def demo_exists() -> bool:
    return Network.objects.filter(code=data.NETWORK["code"]).exists()


class DemoBuilder:
    def __init__(self, *, scale: float, password: str, progress: Callable[[int], Any]) -> None:
        self.scale = scale
        self.password = password
        self.progress = progress
        self.rng = random.Random(20261123)  # noqa: S311 - the same demo every time
        self.accounts = Accounts(password)
        self.fleet = Fleet(self.rng, timezone.localdate())

    def customer_total(self) -> int:
        return len(data.WORKSHOPS) * self.customers_per_workshop()

    def customers_per_workshop(self) -> int:
        return max(1, round(CUSTOMERS_PER_WORKSHOP * self.scale))

    @transaction.atomic
    def build(self) -> None:
        network = Network.objects.create(**data.NETWORK)
        types = VehicleType.objects.bulk_create(
            VehicleType(
                network=network,
                series=s,
                model_code=c,
                model_name=n,
                engine=e,
                fuel_type=f,
                drive=d,
            )
            for s, c, n, e, f, d in data.VEHICLE_TYPES
        )
        self.accounts.network_staff(network)
        build_catalogue(network)
        ensure_catalogue(network)
        ensure_maintenance_items(network)
        workshops = {}
        for index, spec in enumerate(data.WORKSHOPS):
            workshop = Workshop.objects.create(
                network=network,
                code=spec["code"],
                name=spec["name"],
                legal_name=spec["legal_name"],
                street=spec["street"],
                postal_code=spec["postal_code"],
                city=spec["city"],
                country=spec["country"],
                subdivision=spec["subdivision"],
                time_zone=spec["time_zone"],
                currency=spec["currency"],
                default_language=spec["default_language"],
                vat_rate=spec["vat_rate"],
                vat_id=spec["vat_id"],
                labour_rate=spec["labour_rate"],
            )
            workshops[spec["key"]] = workshop
            self.accounts.workshop_staff(workshop, spec["key"])
            self.fleet.build(
                workshop,
                spec["key"],
                types,
                count=self.customers_per_workshop(),
                serial_base=index * 10**5,
                progress=lambda n: self.progress(n),
            )
            advisor = User.objects.get(email=staff_email(WorkshopRole.ADVISOR, spec["key"]))
            build_bookings(workshop, spec["key"], advisor, self.rng)
            self.accounts.technicians(workshop, spec["key"])
            build_repair_orders(workshop, spec["key"], self.rng)
            build_control(workshop, random.Random(CATALOGUE_SEED + 2 + index))  # noqa: S311
            build_attendance(workshop, random.Random(CATALOGUE_SEED + 3 + index))  # noqa: S311
            check_out_a_tool(workshop)
        build_supply(network, workshops, random.Random(CATALOGUE_SEED + 1))  # noqa: S311
        for index, (key, workshop) in enumerate(workshops.items()):
            # After the centres and stores: one of the day's cars waits for a part on order.
            build_busy_day(workshop, key)
            # The technicians' past fortnight and today's finished work take their time.
            settle_todays_work(workshop, random.Random(CATALOGUE_SEED + 10 + index))  # noqa: S311
            build_job_history(workshop, random.Random(CATALOGUE_SEED + 20 + index))  # noqa: S311
