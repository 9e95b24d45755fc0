"""Fixed material for the demo network: workshops, staff, vehicle types, names."""

from decimal import Decimal
from typing import TypedDict


class NetworkSpec(TypedDict):
    name: str
    code: str
    time_zone: str


class WorkshopSpec(TypedDict):
    """A demo workshop: its key (in e-mail addresses and the tables below) and its
    fields."""

    key: str
    code: str
    name: str
    legal_name: str
    street: str
    postal_code: str
    city: str
    country: str
    subdivision: str
    time_zone: str
    currency: str
    default_language: str
    vat_rate: Decimal
    vat_id: str
    labour_rate: Decimal


NETWORK: NetworkSpec = {
    "name": "servicelane Demo Network",
    "code": "demo",
    "time_zone": "Europe/Berlin",
}

WORKSHOPS: list[WorkshopSpec] = [
    {
        "key": "freiburg",
        "code": "FR",
        "name": "Autohaus Freiburg Süd",
        "legal_name": "Autohaus Freiburg Süd GmbH",
        "street": "Hermann-Mitsch-Straße 12",
        "postal_code": "79108",
        "city": "Freiburg im Breisgau",
        "country": "DE",
        "subdivision": "BW",
        "time_zone": "Europe/Berlin",
        "currency": "EUR",
        "default_language": "de",
        "vat_rate": Decimal("19.00"),
        "vat_id": "DE812345678",
        "labour_rate": Decimal("148.00"),
    },
    {
        "key": "beijing",
        "code": "BJ",
        "name": "北京望京服务中心",
        "legal_name": "北京望京汽车销售服务有限公司",
        "street": "朝阳区望京街10号",
        "postal_code": "100102",
        "city": "北京",
        "country": "CN",
        "subdivision": "BJ",
        "time_zone": "Asia/Shanghai",
        "currency": "CNY",
        "default_language": "zh-hans",
        "vat_rate": Decimal("13.00"),
        "vat_id": "91110105MA01ABCD2X",
        "labour_rate": Decimal("480.00"),
    },
]

STAFF_NAMES = {
    "freiburg": {
        "advisor": "Julia Wagner",
        "technician": "Lukas Becker",
        "foreman": "Thomas Schneider",
        "parts_clerk": "Sabine Hoffmann",
        "cashier": "Monika Weber",
        "manager": "Andreas Fischer",
    },
    "beijing": {
        "advisor": "王静",
        "technician": "李强",
        "foreman": "张伟",
        "parts_clerk": "刘洋",
        "cashier": "陈敏",
        "manager": "赵磊",
    },
}

# series, model code, model name, engine, fuel, drive
VEHICLE_TYPES = [
    ("1 Series", "F40-118i", "118i", "1.5 l 3-cyl. 103 kW", "petrol", "fwd"),
    ("1 Series", "F40-120d", "120d xDrive", "2.0 l 4-cyl. diesel 140 kW", "diesel", "awd"),
    ("3 Series", "G20-320i", "320i Sedan", "2.0 l 4-cyl. 135 kW", "petrol", "rwd"),
    ("3 Series", "G21-320d", "320d Touring", "2.0 l 4-cyl. diesel 140 kW", "diesel", "rwd"),
    ("3 Series", "G20-330e", "330e Sedan", "2.0 l 4-cyl. + e-motor 215 kW", "phev", "rwd"),
    ("3 Series", "G28-325Li", "325Li", "2.0 l 4-cyl. 135 kW", "petrol", "rwd"),
    ("5 Series", "G60-520i", "520i Sedan", "2.0 l 4-cyl. mild hybrid 153 kW", "hybrid", "rwd"),
    ("5 Series", "G68-530Li", "530Li", "2.0 l 4-cyl. 190 kW", "petrol", "rwd"),
    ("5 Series", "G60-i5", "i5 eDrive40", "e-motor 250 kW", "electric", "rwd"),
    ("X1", "U11-X1-20i", "X1 sDrive20i", "1.5 l 3-cyl. 115 kW", "petrol", "fwd"),
    ("X3", "G45-X3-20d", "X3 20d xDrive", "2.0 l 4-cyl. diesel 145 kW", "diesel", "awd"),
    ("X3", "G08-iX3", "iX3", "e-motor 210 kW", "electric", "rwd"),
    ("X5", "G05-X5-40i", "X5 xDrive40i", "3.0 l 6-cyl. 280 kW", "petrol", "awd"),
    ("i4", "G26-i4-40", "i4 eDrive40", "e-motor 250 kW", "electric", "rwd"),
]

GERMAN_FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hannah",
    "Jonas",
    "Katrin",
    "Leon",
    "Marie",
    "Niklas",
    "Olga",
    "Paul",
    "Rita",
    "Stefan",
    "Tanja",
    "Uwe",
    "Vera",
    "Werner",
    "Yvonne",
    "Zoe",
    "Matthias",
    "Sophie",
    "Tobias",
    "Lena",
    "Florian",
    "Miriam",
    "Jan",
]
GERMAN_LAST = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Scholz",
]
GERMAN_STREETS = [
    "Kaiser-Joseph-Straße",
    "Habsburgerstraße",
    "Merzhauser Straße",
    "Basler Straße",
    "Schwarzwaldstraße",
    "Hauptstraße",
    "Wiehre Allee",
    "Günterstalstraße",
    "Lorettostraße",
]
GERMAN_TOWNS = [
    ("79098", "Freiburg im Breisgau"),
    ("79100", "Freiburg im Breisgau"),
    ("79102", "Freiburg im Breisgau"),
    ("79199", "Kirchzarten"),
    ("79211", "Denzlingen"),
    ("79189", "Bad Krozingen"),
    ("79312", "Emmendingen"),
    ("79194", "Gundelfingen"),
]
GERMAN_COMPANIES = [
    "Schwarzwald Logistik GmbH",
    "Breisgau Pflegedienst e.V.",
    "Kaiserstuhl Weinversand KG",
    "Dreisam Elektro GmbH",
    "Solar Freiburg AG",
    "Münsterbäckerei Ohnmacht OHG",
]

# (characters, pinyin) so e-mail addresses can be made.
CHINESE_SURNAMES = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("林", "lin"),
]
CHINESE_GIVEN = [
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("秀英", "xiuying"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("晓明", "xiaoming"),
    ("婷", "ting"),
]
CHINESE_STREETS = [
    "朝阳区望京西路",
    "朝阳区阜通东大街",
    "海淀区中关村大街",
    "东城区东直门内大街",
    "朝阳区酒仙桥路",
    "顺义区府前街",
    "昌平区回龙观西大街",
]
CHINESE_COMPANIES = [
    "北京星河物流有限公司",
    "北京博远科技有限公司",
    "京华出租汽车有限公司",
    "北京瑞丰商贸有限公司",
]
