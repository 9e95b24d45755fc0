"""The demo workshops' customers and their cars, with years of yearly visits behind them:
mileage readings and service-book entries. Bulk inserts: the generated values are valid
by construction (E.164 phone numbers, VINs with a correct check digit, normalised plates),
which the tests check by saving some of them through the services again."""

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import phonenumbers
from django.utils import timezone
from django.utils.text import slugify

from servicelane.core.models import Workshop
from servicelane.customers.choices import CustomerKind
from servicelane.customers.models import Customer
from servicelane.demo import data
from servicelane.servicebook.catalogue import NOT_APPLICABLE
from servicelane.servicebook.choices import EntryKind
from servicelane.servicebook.models import ServiceEntry
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


def make_vin(rng: random.Random, wmi: str, serial: int) -> str:
    vds = "".join(rng.choice(VIN_CHARS) for _ in range(5))
    tail = rng.choice(YEAR_CODES) + rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + f"{serial:06d}"
    draft = wmi + vds + "0" + tail
    return draft[:8] + vin_check_digit(draft) + draft[9:]


class Fleet:
    """Customers and cars drawn from ``rng`` (shared with the rest of the demo)."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today

    def build(
        self,
        workshop: Workshop,
        key: str,
        types: list[VehicleType],
        *,
        count: int,
        serial_base: int,
        progress: Callable[[int], Any],
    ) -> None:
        """``count`` customers of ``workshop``, one car each (every seventh has two)."""
        self._customers_and_vehicles(workshop, key, types, count, serial_base, progress)

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
        self,
        workshop: Workshop,
        key: str,
        types: list[VehicleType],
        count: int,
        serial_base: int,
        progress: Callable[[int], Any],
    ) -> None:
        wmi = "WBA" if key == "freiburg" else "LBV"
        make = self._german_customer if key == "freiburg" else self._chinese_customer
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            customers = Customer.objects.bulk_create(make(workshop, start + n) for n in range(size))
            vehicles: list[Vehicle] = []
            owner_of: list[Customer] = []
            registered: list[date] = []  # each car's first registration
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
                    registered.append(first_reg)
            vehicles = Vehicle.objects.bulk_create(vehicles)
            WorkshopVehicle.objects.bulk_create(
                WorkshopVehicle(workshop=workshop, vehicle=v) for v in vehicles
            )
            Ownership.objects.bulk_create(
                Ownership(workshop=workshop, vehicle=v, customer=c, started_on=first_reg)
                for v, c, first_reg in zip(vehicles, owner_of, registered, strict=True)
            )
            readings = self._readings(workshop, vehicles, registered)
            MileageReading.objects.bulk_create(readings, batch_size=BATCH)
            ServiceEntry.objects.bulk_create(
                self._history(workshop, key, vehicles, readings), batch_size=BATCH
            )
            progress(size)

    def _readings(
        self, workshop: Workshop, vehicles: list[Vehicle], registered: list[date]
    ) -> list[MileageReading]:
        readings = []
        for vehicle, first_reg in zip(vehicles, registered, strict=True):
            km_per_day = self.rng.uniform(15, 70)
            day = first_reg
            while True:
                day = day + timedelta(days=self.rng.randint(300, 420))
                if day > self.today:
                    break
                readings.append(
                    MileageReading(
                        vehicle=vehicle,
                        read_on=day,
                        km=int((day - first_reg).days * km_per_day),
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
        fuel = {v.pk: v.vehicle_type.fuel_type for v in vehicles if v.vehicle_type is not None}
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
