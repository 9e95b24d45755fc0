"""The demo network's parts catalogue: main groups and subgroups as in a maker's
catalogue, about 300 parts named in English, German and Chinese, list prices for
Germany (EUR) and China (CNY), fitment to the demo vehicle types and a few
supersessions: the oil filter of the 3 Series has been replaced three times:
11 42 7 566 327 → 11 42 7 635 557 → 11 42 8 575 211 → 11 42 7 953 129.
"""

import random
from decimal import Decimal

from servicelane.core.models import Network
from servicelane.parts import text
from servicelane.parts.models import Fitment, Part, PartGroup, PartPrice
from servicelane.vehicles.models import VehicleType

CNY_PER_EUR = Decimal("7.8")
ALL = "all"  # fits every vehicle type: no fitment recorded
COMBUSTION = "combustion"  # one part per series, for its petrol, diesel and hybrid types
ELECTRIC = "electric"  # one part per series, for its electric and plug-in hybrid types
SERIES = "series"  # one part per series

# (main group, names) → [(subgroup, names, [(en, de, zh, unit, EUR, fits)])]
CATALOGUE = [
    (
        "11",
        ("Engine", "Motor", "发动机"),
        [
            (
                "11-12",
                ("Cylinder head", "Zylinderkopf", "气缸盖"),
                [
                    (
                        "Cylinder head cover gasket",
                        "Dichtung Zylinderkopfhaube",
                        "气缸盖罩密封垫",
                        "piece",
                        "38.50",
                        COMBUSTION,
                    ),
                    (
                        "Cylinder head gasket",
                        "Zylinderkopfdichtung",
                        "气缸垫",
                        "piece",
                        "96.00",
                        COMBUSTION,
                    ),
                ],
            ),
            (
                "11-28",
                ("Belt drive", "Riementrieb", "皮带传动"),
                [
                    ("Ribbed V-belt", "Keilrippenriemen", "多楔皮带", "piece", "42.30", COMBUSTION),
                    (
                        "Belt tensioner",
                        "Riemenspanner",
                        "皮带张紧器",
                        "piece",
                        "118.00",
                        COMBUSTION,
                    ),
                    (
                        "Deflection pulley",
                        "Umlenkrolle",
                        "转向皮带轮",
                        "piece",
                        "36.90",
                        COMBUSTION,
                    ),
                ],
            ),
            (
                "11-42",
                ("Lubrication system", "Schmiersystem", "润滑系统"),
                [
                    (
                        "Oil filter element",
                        "Ölfiltereinsatz",
                        "机油滤清器滤芯",
                        "set",
                        "16.90",
                        COMBUSTION,
                    ),
                    ("Oil drain plug", "Ölablassschraube", "放油螺塞", "piece", "6.40", ALL),
                    (
                        "Sealing ring oil drain plug",
                        "Dichtring Ölablassschraube",
                        "放油螺塞密封圈",
                        "piece",
                        "1.20",
                        ALL,
                    ),
                    (
                        "Engine oil 0W-20 Longlife",
                        "Motoröl 0W-20 Longlife",
                        "发动机机油 0W-20 长效",
                        "litre",
                        "19.80",
                        ALL,
                    ),
                    (
                        "Engine oil 5W-30 Longlife",
                        "Motoröl 5W-30 Longlife",
                        "发动机机油 5W-30 长效",
                        "litre",
                        "18.40",
                        ALL,
                    ),
                ],
            ),
            (
                "11-51",
                ("Water pump and thermostat", "Wasserpumpe und Thermostat", "水泵和节温器"),
                [
                    (
                        "Electric coolant pump",
                        "Elektrische Kühlmittelpumpe",
                        "电子冷却液泵",
                        "piece",
                        "412.00",
                        SERIES,
                    ),
                    (
                        "Thermostat with housing",
                        "Thermostat mit Gehäuse",
                        "带壳体节温器",
                        "piece",
                        "128.00",
                        COMBUSTION,
                    ),
                ],
            ),
        ],
    ),
    (
        "12",
        ("Engine electrical system", "Motorelektrik", "发动机电气系统"),
        [
            (
                "12-12",
                ("Ignition", "Zündung", "点火系统"),
                [
                    ("Spark plug", "Zündkerze", "火花塞", "piece", "21.60", COMBUSTION),
                    ("Ignition coil", "Zündspule", "点火线圈", "piece", "74.00", COMBUSTION),
                ],
            ),
            (
                "12-31",
                ("Alternator", "Generator", "发电机"),
                [
                    ("Alternator", "Generator", "发电机", "piece", "486.00", COMBUSTION),
                ],
            ),
        ],
    ),
    (
        "13",
        ("Fuel preparation system", "Gemischaufbereitung", "燃油准备系统"),
        [
            (
                "13-32",
                ("Fuel filter", "Kraftstofffilter", "燃油滤清器"),
                [
                    ("Fuel filter", "Kraftstofffilter", "燃油滤清器", "piece", "54.00", COMBUSTION),
                ],
            ),
            (
                "13-71",
                (
                    "Intake silencer and air filter",
                    "Ansauggeräuschdämpfer und Luftfilter",
                    "进气消音器和空气滤清器",
                ),
                [
                    (
                        "Air filter element",
                        "Luftfiltereinsatz",
                        "空气滤清器滤芯",
                        "piece",
                        "31.70",
                        COMBUSTION,
                    ),
                ],
            ),
        ],
    ),
    (
        "17",
        ("Radiator", "Kühlung", "散热器"),
        [
            (
                "17-11",
                ("Radiator and expansion tank", "Kühler und Ausgleichbehälter", "散热器和膨胀水箱"),
                [
                    ("Radiator", "Kühler", "散热器", "piece", "368.00", SERIES),
                    ("Expansion tank", "Ausgleichbehälter", "膨胀水箱", "piece", "82.50", SERIES),
                    (
                        "Coolant antifreeze",
                        "Kühlmittel Frostschutz",
                        "冷却液防冻剂",
                        "litre",
                        "12.60",
                        ALL,
                    ),
                ],
            ),
        ],
    ),
    (
        "22",
        ("Engine suspension", "Motoraufhängung", "发动机悬置"),
        [
            (
                "22-11",
                ("Engine mount", "Motorlager", "发动机支座"),
                [
                    (
                        "Engine mount, left",
                        "Motorlager, links",
                        "发动机支座，左",
                        "piece",
                        "142.00",
                        COMBUSTION,
                    ),
                    (
                        "Engine mount, right",
                        "Motorlager, rechts",
                        "发动机支座，右",
                        "piece",
                        "142.00",
                        COMBUSTION,
                    ),
                ],
            ),
        ],
    ),
    (
        "24",
        ("Automatic transmission", "Automatisches Getriebe", "自动变速箱"),
        [
            (
                "24-15",
                ("Oil supply", "Ölversorgung", "供油系统"),
                [
                    (
                        "Oil pan with transmission filter",
                        "Ölwanne mit Getriebefilter",
                        "带变速箱滤清器油底壳",
                        "set",
                        "238.00",
                        COMBUSTION,
                    ),
                ],
            ),
        ],
    ),
    (
        "31",
        ("Front axle", "Vorderachse", "前桥"),
        [
            (
                "31-12",
                ("Wishbone and control arm", "Querlenker und Zugstrebe", "横摆臂和拉杆"),
                [
                    (
                        "Wishbone with rubber mount, left",
                        "Querlenker mit Gummilager, links",
                        "带橡胶支座横摆臂，左",
                        "piece",
                        "156.00",
                        SERIES,
                    ),
                    (
                        "Wishbone with rubber mount, right",
                        "Querlenker mit Gummilager, rechts",
                        "带橡胶支座横摆臂，右",
                        "piece",
                        "156.00",
                        SERIES,
                    ),
                ],
            ),
            (
                "31-30",
                ("Stabiliser", "Stabilisator", "稳定杆"),
                [
                    (
                        "Stabiliser link front",
                        "Pendelstütze vorn",
                        "前稳定杆连杆",
                        "piece",
                        "48.90",
                        SERIES,
                    ),
                ],
            ),
        ],
    ),
    (
        "32",
        ("Steering", "Lenkung", "转向系统"),
        [
            (
                "32-10",
                ("Tie rod", "Spurstange", "转向横拉杆"),
                [
                    (
                        "Tie rod end, left",
                        "Spurstangenkopf, links",
                        "转向横拉杆球头，左",
                        "piece",
                        "58.40",
                        SERIES,
                    ),
                    (
                        "Tie rod end, right",
                        "Spurstangenkopf, rechts",
                        "转向横拉杆球头，右",
                        "piece",
                        "58.40",
                        SERIES,
                    ),
                ],
            ),
        ],
    ),
    (
        "33",
        ("Rear axle", "Hinterachse", "后桥"),
        [
            (
                "33-52",
                ("Shock absorber rear", "Stoßdämpfer hinten", "后减振器"),
                [
                    (
                        "Shock absorber rear",
                        "Stoßdämpfer hinten",
                        "后减振器",
                        "piece",
                        "212.00",
                        SERIES,
                    ),
                ],
            ),
        ],
    ),
    (
        "34",
        ("Brakes", "Bremsen", "制动器"),
        [
            (
                "34-11",
                ("Front wheel brake", "Bremse vorn", "前轮制动器"),
                [
                    (
                        "Brake pad set front",
                        "Bremsbelagsatz vorn",
                        "前制动片组件",
                        "set",
                        "128.00",
                        SERIES,
                    ),
                    (
                        "Brake disc front, ventilated",
                        "Bremsscheibe vorn, belüftet",
                        "前制动盘，通风式",
                        "piece",
                        "142.00",
                        SERIES,
                    ),
                    (
                        "Brake pad wear sensor front",
                        "Bremsbelagverschleißsensor vorn",
                        "前制动片磨损传感器",
                        "piece",
                        "19.40",
                        SERIES,
                    ),
                    (
                        "Brake caliper front, left",
                        "Bremssattel vorn, links",
                        "前制动钳，左",
                        "piece",
                        "286.00",
                        SERIES,
                    ),
                    (
                        "Brake caliper front, right",
                        "Bremssattel vorn, rechts",
                        "前制动钳，右",
                        "piece",
                        "286.00",
                        SERIES,
                    ),
                ],
            ),
            (
                "34-21",
                ("Rear wheel brake", "Bremse hinten", "后轮制动器"),
                [
                    (
                        "Brake pad set rear",
                        "Bremsbelagsatz hinten",
                        "后制动片组件",
                        "set",
                        "104.00",
                        SERIES,
                    ),
                    (
                        "Brake disc rear",
                        "Bremsscheibe hinten",
                        "后制动盘",
                        "piece",
                        "118.00",
                        SERIES,
                    ),
                    (
                        "Brake pad wear sensor rear",
                        "Bremsbelagverschleißsensor hinten",
                        "后制动片磨损传感器",
                        "piece",
                        "19.40",
                        SERIES,
                    ),
                ],
            ),
            (
                "34-51",
                ("Brake fluid", "Bremsflüssigkeit", "制动液"),
                [
                    (
                        "Brake fluid DOT 4 LV",
                        "Bremsflüssigkeit DOT 4 LV",
                        "制动液 DOT 4 LV",
                        "litre",
                        "24.90",
                        ALL,
                    ),
                ],
            ),
        ],
    ),
    (
        "36",
        ("Wheels and tyres", "Räder und Reifen", "车轮和轮胎"),
        [
            (
                "36-13",
                ("Wheel bolts and tyre pressure", "Radschrauben und Reifendruck", "车轮螺栓和胎压"),
                [
                    ("Wheel bolt", "Radschraube", "车轮螺栓", "piece", "4.60", ALL),
                    (
                        "Tyre pressure sensor",
                        "Reifendrucksensor",
                        "胎压传感器",
                        "piece",
                        "68.00",
                        SERIES,
                    ),
                ],
            ),
        ],
    ),
    (
        "61",
        ("General vehicle electrical system", "Allgemeine Fahrzeugelektrik", "车辆电气系统"),
        [
            (
                "61-21",
                ("Battery", "Batterie", "蓄电池"),
                [
                    (
                        "Battery AGM 70 Ah",
                        "Batterie AGM 70 Ah",
                        "AGM 蓄电池 70 Ah",
                        "piece",
                        "248.00",
                        COMBUSTION,
                    ),
                    (
                        "Battery AGM 90 Ah",
                        "Batterie AGM 90 Ah",
                        "AGM 蓄电池 90 Ah",
                        "piece",
                        "312.00",
                        COMBUSTION,
                    ),
                    (
                        "12 V auxiliary battery",
                        "12-V-Zusatzbatterie",
                        "12 V 辅助蓄电池",
                        "piece",
                        "189.00",
                        ELECTRIC,
                    ),
                ],
            ),
            (
                "61-61",
                ("Wiper system", "Scheibenwischeranlage", "雨刮系统"),
                [
                    (
                        "Wiper blade set front",
                        "Wischblattsatz vorn",
                        "前雨刮片组件",
                        "set",
                        "46.80",
                        SERIES,
                    ),
                    ("Wiper blade rear", "Wischblatt hinten", "后雨刮片", "piece", "22.40", SERIES),
                    (
                        "Windscreen washer fluid concentrate",
                        "Scheibenreiniger Konzentrat",
                        "风窗清洗液浓缩液",
                        "litre",
                        "8.90",
                        ALL,
                    ),
                    (
                        "Key battery CR2032",
                        "Schlüsselbatterie CR2032",
                        "钥匙电池 CR2032",
                        "piece",
                        "3.80",
                        ALL,
                    ),
                ],
            ),
        ],
    ),
    (
        "63",
        ("Lights", "Leuchten", "车灯"),
        [
            (
                "63-11",
                ("Headlight", "Scheinwerfer", "前大灯"),
                [
                    (
                        "LED headlight, left",
                        "LED-Scheinwerfer, links",
                        "LED 前大灯，左",
                        "piece",
                        "1180.00",
                        SERIES,
                    ),
                    (
                        "LED headlight, right",
                        "LED-Scheinwerfer, rechts",
                        "LED 前大灯，右",
                        "piece",
                        "1180.00",
                        SERIES,
                    ),
                ],
            ),
            (
                "63-21",
                ("Rear light", "Heckleuchte", "尾灯"),
                [
                    (
                        "Rear light in side panel, left",
                        "Heckleuchte Seitenwand, links",
                        "侧围尾灯，左",
                        "piece",
                        "264.00",
                        SERIES,
                    ),
                    ("Bulb W5W", "Glühlampe W5W", "灯泡 W5W", "piece", "2.10", ALL),
                ],
            ),
        ],
    ),
    (
        "64",
        ("Heating and air conditioning", "Heizung und Klimaanlage", "暖风和空调"),
        [
            (
                "64-11",
                ("Microfilter", "Mikrofilter", "空调滤清器"),
                [
                    (
                        "Microfilter activated carbon set",
                        "Mikrofilter Aktivkohle Satz",
                        "活性炭空调滤清器组件",
                        "set",
                        "52.80",
                        SERIES,
                    ),
                ],
            ),
            (
                "64-50",
                ("Refrigerant circuit", "Kältemittelkreislauf", "制冷剂回路"),
                [
                    (
                        "Refrigerant R1234yf",
                        "Kältemittel R1234yf",
                        "制冷剂 R1234yf",
                        "kg",
                        "86.00",
                        ALL,
                    ),
                    (
                        "Electric A/C compressor",
                        "Elektrischer Klimakompressor",
                        "电动空调压缩机",
                        "piece",
                        "1620.00",
                        ELECTRIC,
                    ),
                    (
                        "High-voltage battery coolant hose",
                        "Kühlmittelschlauch Hochvoltspeicher",
                        "高压蓄电池冷却液软管",
                        "piece",
                        "94.00",
                        ELECTRIC,
                    ),
                ],
            ),
        ],
    ),
]

# The 3 Series oil filter and the numbers it replaced, oldest first.
OIL_FILTER_CHAIN = ["11427566327", "11427635557", "11428575211", "11427953129"]
OIL_FILTER_SERIES = "3 Series"
SERIES_FACTOR = {"1 Series": "0.9", "3 Series": "1.0", "5 Series": "1.2", "X1": "0.95",
                 "X3": "1.15", "X5": "1.45", "i4": "1.25"}  # fmt: skip


def _variants(types: list[VehicleType], fits: str) -> list[tuple[str | None, list[VehicleType]]]:
    """(series, the types one part number fits) for a catalogue line."""
    if fits == ALL:
        return [(None, [])]
    by_series: dict[str, list[VehicleType]] = {}
    for vehicle_type in types:
        if fits == COMBUSTION and vehicle_type.fuel_type == "electric":
            continue
        if fits == ELECTRIC and vehicle_type.fuel_type not in ("electric", "phev"):
            continue
        by_series.setdefault(vehicle_type.series, []).append(vehicle_type)
    return sorted(by_series.items(), key=lambda item: item[0])


def build_catalogue(network: Network, rng: random.Random) -> list[Part]:
    """The demo catalogue for ``network`` (its vehicle types must exist); bulk inserts.
    Returns the current parts."""
    types = list(VehicleType.objects.filter(network=network).order_by("series", "model_code"))
    mains = PartGroup.objects.bulk_create(
        PartGroup(network=network, code=code, name_en=en, name_de=de, name_zh_hans=zh)
        for code, (en, de, zh), _subgroups in CATALOGUE
    )
    main_of = {g.code: g for g in mains}
    subgroups = PartGroup.objects.bulk_create(
        PartGroup(
            network=network,
            parent=main_of[code],
            code=sub,
            name_en=en,
            name_de=de,
            name_zh_hans=zh,
        )
        for code, _names, subs in CATALOGUE
        for sub, (en, de, zh), _lines in subs
    )
    sub_of = {g.code: g for g in subgroups}
    taken = set(OIL_FILTER_CHAIN)
    parts: list[Part] = []
    prices: list[tuple[Part, Decimal]] = []
    fitments: list[tuple[Part, list[VehicleType]]] = []
    oil_filter: Part | None = None
    for _main, _names, subs in CATALOGUE:
        for sub, _sub_names, lines in subs:
            for en, de, zh, unit, eur, fits in lines:
                for series, fitting in _variants(types, fits):
                    is_oil_filter = en == "Oil filter element" and series == OIL_FILTER_SERIES
                    number = OIL_FILTER_CHAIN[-1] if is_oil_filter else _number(rng, sub, taken)
                    part = Part(
                        network=network,
                        number=number,
                        name_en=en,
                        name_de=de,
                        name_zh_hans=zh,
                        group=sub_of[sub],
                        unit=unit,
                        search_text=text.search_text(en, de, zh),
                    )
                    parts.append(part)
                    factor = Decimal(SERIES_FACTOR.get(series or "", "1.0"))
                    noise = Decimal(rng.randint(95, 105)) / 100
                    prices.append((part, (Decimal(eur) * factor * noise).quantize(Decimal("0.1"))))
                    fitments.append((part, fitting))
                    if is_oil_filter:
                        oil_filter = part
    Part.objects.bulk_create(parts)
    current = list(parts)
    # Superseded numbers: kept so an old number still leads to the part; no price.
    older: list[Part] = []
    if oil_filter is not None:
        newer = oil_filter
        for number in reversed(OIL_FILTER_CHAIN[:-1]):
            newer = _old_number(newer, number)
            fitments.append((newer, _fitting(fitments, oil_filter)))
            older.append(newer)
    for part in rng.sample(current, k=min(6, len(current))):
        if part is oil_filter:
            continue
        old = _old_number(part, _number(rng, part.group.code, taken))
        fitments.append((old, _fitting(fitments, part)))
        older.append(old)
    PartPrice.objects.bulk_create(
        price
        for part, eur in prices
        for price in (
            PartPrice(part=part, country="DE", currency="EUR", price=eur),
            PartPrice(part=part, country="CN", currency="CNY", price=_yuan(eur)),
        )
    )
    Fitment.objects.bulk_create(
        Fitment(part=part, vehicle_type=vehicle_type)
        for part, fitting in fitments
        for vehicle_type in fitting
    )
    return current


def _yuan(eur: Decimal) -> Decimal:
    return (eur * CNY_PER_EUR).quantize(Decimal("1"))


def _old_number(newer: Part, number: str) -> Part:
    """The part as it was sold under an older number, pointing at its successor."""
    old = Part(
        network=newer.network,
        number=number,
        name_en=newer.name_en,
        name_de=newer.name_de,
        name_zh_hans=newer.name_zh_hans,
        group=newer.group,
        unit=newer.unit,
        superseded_by=newer,
        search_text=newer.search_text,
    )
    old.save()
    return old


def _fitting(fitments: list[tuple[Part, list[VehicleType]]], part: Part) -> list[VehicleType]:
    return next(fitting for candidate, fitting in fitments if candidate is part)


def _number(rng: random.Random, subgroup: str, taken: set[str]) -> str:
    """Main group, subgroup, then seven digits: 11 42 7 953 129."""
    head = subgroup.replace("-", "")
    while True:
        number = f"{head}{rng.randint(1, 9)}{rng.randint(0, 999):03d}{rng.randint(0, 999):03d}"
        if number not in taken:
            taken.add(number)
            return number
