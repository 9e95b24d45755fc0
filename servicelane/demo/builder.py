"""Builds the demo network fast, with bulk inserts, for `make run` and benchmarks.

The generated values are valid by construction (E.164 phone numbers, VINs with
a correct check digit), so the loader can skip the per-row services.
"""

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import phonenumbers
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from servicelane.appointments.demo import build_bookings
from servicelane.control.demo import build_control, check_out_a_tool
from servicelane.control.demo_day import build_busy_day
from servicelane.control.demo_history import build_job_history, settle_todays_work
from servicelane.control.demo_time import build_attendance
from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.core.demo import data
from servicelane.core.models import Membership, Network, NetworkMembership, User, Workshop
from servicelane.customers.choices import CustomerKind
from servicelane.customers.models import Customer
from servicelane.parts.demo import build_catalogue
from servicelane.servicebook.catalogue import NOT_APPLICABLE, ensure_maintenance_items
from servicelane.servicebook.choices import EntryKind
from servicelane.servicebook.models import ServiceEntry
from servicelane.supply.demo import build_supply
from servicelane.vehicles.choices import MileageSource
from servicelane.vehicles.models import (
    MileageReading,
    Ownership,
    Vehicle,
    VehicleType,
    WorkshopVehicle,
)
from servicelane.vehicles.plates import normalise_plate
from servicelane.vehicles.vin import vin_check_digit
from servicelane.workorders.catalogue import ensure_catalogue
from servicelane.workorders.demo import build_repair_orders

CUSTOMERS_PER_WORKSHOP = 200
CATALOGUE_SEED = 7
WARRANTY_DAYS = 3 * 365
# Which maintenance items a yearly visit performs: (code, every n-th visit or km interval).
VISIT_ITEMS = [("engine_oil", 1), ("vehicle_check", 2), ("micro_filter", 2), ("brake_fluid", 2),
               ("spark_plugs", 4)]  # fmt: skip
WEAR_ITEMS = [("front_brakes", 50000), ("rear_brakes", 80000)]
REPAIRS = {
    "freiburg": ["Wischerblätter ersetzt", "Batterie ersetzt", "Reifen gewechselt",
                 "Scheinwerfer links ersetzt", "Fehlerspeicher gelöscht, Sensor ersetzt"],
    "beijing": ["更换雨刮片", "更换蓄电池", "更换轮胎", "更换左前大灯", "清除故障码，更换传感器"],
}  # fmt: skip
BATCH = 2000
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
YEAR_CODES = "DEFGHJKLMNPRS"  # 2013 … 2025


def demo_exists() -> bool:
    return Network.objects.filter(code=data.NETWORK["code"]).exists()


def staff_email(role: str, workshop_key: str) -> str:
    return f"{role.replace('_', '-')}@{workshop_key}.demo"


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, role) of every demo account, in the order they are printed."""
    logins = []
    for workshop in data.WORKSHOPS:
        for role in WorkshopRole:
            logins.append(
                (staff_email(role.value, workshop["key"]), f"{role.label} · {workshop['name']}")
            )
    logins.append(("admin@network.demo", str(NetworkRole.NETWORK_ADMIN.label)))
    logins.append(("support@network.demo", str(NetworkRole.NETWORK_SUPPORT.label)))
    return logins


def make_vin(rng: random.Random, wmi: str, serial: int) -> str:
    vds = "".join(rng.choice(VIN_CHARS) for _ in range(5))
    tail = rng.choice(YEAR_CODES) + rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + f"{serial:06d}"
    draft = wmi + vds + "0" + tail
    return draft[:8] + vin_check_digit(draft) + draft[9:]


class DemoBuilder:
    def __init__(self, *, scale: float, password: str, progress: Callable[[int], Any]) -> None:
        self.scale = scale
        self.password = password
        self.progress = progress
        self.rng = random.Random(20261123)  # noqa: S311 - the same demo every time
        self.today = timezone.localdate()

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
        self._network_staff(network)
        # Its own random source: the other demo data stay the same with or without it.
        build_catalogue(network, random.Random(CATALOGUE_SEED))  # noqa: S311
        ensure_catalogue(network)
        ensure_maintenance_items(network)
        workshops = {}
        for index, spec in enumerate(data.WORKSHOPS):
            fields = {k: v for k, v in spec.items() if k != "key"}
            workshop = Workshop.objects.create(network=network, **fields)
            workshops[spec["key"]] = workshop
            self._workshop_staff(workshop, spec["key"])
            self._customers_and_vehicles(workshop, spec["key"], types, serial_base=index * 10**5)
            advisor = User.objects.get(email=staff_email(WorkshopRole.ADVISOR, spec["key"]))
            build_bookings(workshop, spec["key"], advisor, self.rng)
            build_repair_orders(workshop, spec["key"], self.rng, self._password_hash)
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

    def _user(self, email: str, name: str, language: str, **extra: Any) -> User:
        # One hash for all accounts: hashing is slow on purpose, and they share a password.
        if not hasattr(self, "_password_hash"):
            self._password_hash = make_password(self.password)
        user = User(
            email=email, full_name=name, language=language, password=self._password_hash, **extra
        )
        user.save()
        return user

    def _network_staff(self, network: Network) -> None:
        admin = self._user(
            "admin@network.demo", "Network Admin", "en", is_staff=True, is_superuser=True
        )
        NetworkMembership.objects.create(
            user=admin, network=network, role=NetworkRole.NETWORK_ADMIN
        )
        support = self._user("support@network.demo", "Network Support", "en")
        NetworkMembership.objects.create(
            user=support, network=network, role=NetworkRole.NETWORK_SUPPORT
        )

    def _workshop_staff(self, workshop: Workshop, key: str) -> None:
        for role in WorkshopRole:
            user = self._user(
                staff_email(role.value, key),
                data.STAFF_NAMES[key][role.value],
                workshop.default_language,
            )
            Membership.objects.create(user=user, workshop=workshop, role=role)

    # --- customers -------------------------------------------------------
    def _german_customer(self, workshop: Workshop, i: int) -> Customer:
        rng = self.rng
        postal, town = rng.choice(data.GERMAN_TOWNS)
        street = f"{rng.choice(data.GERMAN_STREETS)} {rng.randint(1, 140)}"
        phone = self._phone(lambda: f"+4915{rng.choice('1257')}{rng.randint(10**7, 10**8 - 1)}")
        if i % 9 == 0:
            company = rng.choice(data.GERMAN_COMPANIES)
            slug = slugify(company.split()[0])
            return self._customer(
                workshop,
                CustomerKind.COMPANY,
                "",
                "",
                company,
                f"fuhrpark{i}@{slug}.example",
                phone,
                street,
                postal,
                town,
                "DE",
                "de",
            )
        first, last = rng.choice(data.GERMAN_FIRST), rng.choice(data.GERMAN_LAST)
        email = (
            f"{first}.{last}.{i}@example.de".lower()
            .replace("ü", "ue")
            .replace("ö", "oe")
            .replace("ä", "ae")
        )
        language = "en" if i % 17 == 0 else "de"
        return self._customer(
            workshop,
            CustomerKind.PERSON,
            first,
            last,
            "",
            email,
            phone,
            street,
            postal,
            town,
            "DE",
            language,
        )

    def _chinese_customer(self, workshop: Workshop, i: int) -> Customer:
        rng = self.rng
        phone = self._phone(lambda: f"+8613{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}")
        street = f"{rng.choice(data.CHINESE_STREETS)}{rng.randint(1, 99)}号"
        if i % 9 == 0:
            company = rng.choice(data.CHINESE_COMPANIES)
            return self._customer(
                workshop,
                CustomerKind.COMPANY,
                "",
                "",
                company,
                f"fleet{i}@company.example.cn",
                phone,
                street,
                "100102",
                "北京",
                "CN",
                "zh-hans",
            )
        (surname, s_py), (given, g_py) = (
            rng.choice(data.CHINESE_SURNAMES),
            rng.choice(data.CHINESE_GIVEN),
        )
        language = "en" if i % 23 == 0 else "zh-hans"
        return self._customer(
            workshop,
            CustomerKind.PERSON,
            given,
            surname,
            "",
            f"{s_py}.{g_py}{i}@example.cn",
            phone,
            street,
            "100102",
            "北京",
            "CN",
            language,
        )

    @staticmethod
    def _phone(draw: Callable[[], str]) -> str:
        """A random number that phonenumbers accepts as valid."""
        while True:
            candidate = draw()
            if phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
                return candidate

    def _customer(
        self,
        workshop: Workshop,
        kind: str,
        first: str,
        last: str,
        company: str,
        email: str,
        phone: str,
        street: str,
        postal: str,
        city: str,
        country: str,
        language: str,
    ) -> Customer:
        consent = self.rng.random() < 0.7
        marketing = self.rng.random() < 0.3
        stamp = timezone.now() - timedelta(days=self.rng.randint(1, 900))
        return Customer(
            workshop=workshop,
            kind=kind,
            first_name=first,
            last_name=last,
            company_name=company,
            email=email,
            phone=phone,
            street=street,
            postal_code=postal,
            city=city,
            country=country,
            language=language,
            consent_reminders=consent,
            consent_reminders_at=stamp if consent else None,
            consent_marketing=marketing,
            consent_marketing_at=stamp if marketing else None,
        )

    def _plate(self, key: str, i: int) -> str:
        rng = self.rng
        if key == "freiburg":
            letters = "".join(
                rng.choice("ABCDEFGHKLMNPRSTUVWXYZ") for _ in range(rng.randint(1, 2))
            )
            return f"FR-{letters} {rng.randint(1, 9999)}"
        return f"京{rng.choice('ABCEFGHJKLMNPQ')}·{rng.choice('DF')}{i % 10000:04d}"

    def _customers_and_vehicles(
        self, workshop: Workshop, key: str, types: list[VehicleType], serial_base: int
    ) -> None:
        count = self.customers_per_workshop()
        wmi = "WBA" if key == "freiburg" else "LBV"
        make = self._german_customer if key == "freiburg" else self._chinese_customer
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            customers = Customer.objects.bulk_create(make(workshop, start + n) for n in range(size))
            vehicles, owner_of = [], []
            for n, customer in enumerate(customers):
                cars = 2 if (start + n) % 7 == 0 else 1
                for car in range(cars):
                    serial = serial_base + (start + n) * 2 + car
                    first_reg = self.today - timedelta(days=self.rng.randint(60, 365 * 9))
                    plate = self._plate(key, serial)
                    vehicles.append(
                        Vehicle(
                            network_id=workshop.network_id,
                            vin=make_vin(self.rng, wmi, serial),
                            manufacturer="BMW",
                            plate=plate,
                            # bulk_create skips save(), which derives this column
                            plate_normalized=normalise_plate(plate),
                            vehicle_type=self.rng.choice(types),
                            first_registration=first_reg,
                            teleservice=first_reg.year >= 2018 and self.rng.random() < 0.8,
                            warranty_until=first_reg + timedelta(days=WARRANTY_DAYS),
                        )
                    )
                    owner_of.append(customer)
            vehicles = Vehicle.objects.bulk_create(vehicles)
            WorkshopVehicle.objects.bulk_create(
                WorkshopVehicle(workshop=workshop, vehicle=v) for v in vehicles
            )
            Ownership.objects.bulk_create(
                Ownership(workshop=workshop, vehicle=v, customer=c, started_on=v.first_registration)
                for v, c in zip(vehicles, owner_of, strict=True)
            )
            readings = self._readings(workshop, vehicles)
            MileageReading.objects.bulk_create(readings, batch_size=BATCH)
            ServiceEntry.objects.bulk_create(
                self._history(workshop, key, vehicles, readings), batch_size=BATCH
            )
            self.progress(size)

    def _readings(self, workshop: Workshop, vehicles: list[Vehicle]) -> list[MileageReading]:
        readings = []
        for vehicle in vehicles:
            km_per_day = self.rng.uniform(15, 70)
            day: date = vehicle.first_registration
            while True:
                day = day + timedelta(days=self.rng.randint(300, 420))
                if day > self.today:
                    break
                readings.append(
                    MileageReading(
                        vehicle=vehicle,
                        read_on=day,
                        km=int((day - vehicle.first_registration).days * km_per_day),
                        source=MileageSource.SERVICE,
                        workshop=workshop,
                    )
                )
        return readings

    def _history(
        self,
        workshop: Workshop,
        key: str,
        vehicles: list[Vehicle],
        readings: list[MileageReading],
    ) -> list[ServiceEntry]:
        """A service entry at every yearly visit, now and then a repair: years of history."""
        fuel = {v.pk: v.vehicle_type.fuel_type for v in vehicles}
        entries = []
        visits: dict[int, int] = {}
        last_km: dict[tuple[int, str], int] = {}
        for reading in readings:
            vehicle_id = reading.vehicle_id
            visit = visits[vehicle_id] = visits.get(vehicle_id, 0) + 1
            skip = NOT_APPLICABLE.get(fuel[vehicle_id], set())
            items = [c for c, every in VISIT_ITEMS if visit % every == 0 and c not in skip]
            for code, km in WEAR_ITEMS:
                if reading.km - last_km.get((vehicle_id, code), 0) >= km:
                    items.append(code)
                    last_km[(vehicle_id, code)] = reading.km
            if items:
                entries.append(self._entry(workshop, reading, EntryKind.SERVICE, items, ""))
            if self.rng.random() < 0.15:
                repair = self.rng.choice(REPAIRS[key])
                entries.append(self._entry(workshop, reading, EntryKind.REPAIR, [], repair))
        return entries

    @staticmethod
    def _entry(
        workshop: Workshop, reading: MileageReading, kind: str, items: list[str], text: str
    ) -> ServiceEntry:
        return ServiceEntry(
            vehicle_id=reading.vehicle_id,
            workshop=workshop,
            kind=kind,
            performed_on=reading.read_on,
            mileage=reading.km,
            items=items,
            description=text,
        )
