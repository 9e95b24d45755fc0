import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from servicelane.core.models import AuditEntry
from servicelane.customers.models import Customer
from servicelane.customers.services import customer_create, customer_update


@pytest.mark.django_db
def test_a_local_phone_number_is_stored_in_e164_for_the_workshops_country(advisor, freiburg):
    customer = customer_create(
        actor=advisor, workshop=freiburg, last_name="Huber", phone="0761 / 123 456 7"
    )

    assert customer.phone == "+497611234567"
    assert customer.phone_display == "+49 761 1234567"


@pytest.mark.django_db
def test_the_customers_own_country_decides_how_a_local_number_is_read(advisor, freiburg):
    customer = customer_create(
        actor=advisor, workshop=freiburg, last_name="Wang", country="cn", phone="139 1234 5678"
    )

    assert customer.phone == "+8613912345678"
    assert customer.country == "CN"


@pytest.mark.django_db
def test_an_invalid_phone_and_email_are_both_reported_and_nothing_is_saved(advisor, freiburg):
    with pytest.raises(ValidationError) as error:
        customer_create(
            actor=advisor, workshop=freiburg, last_name="Huber", phone="12", email="kein-email"
        )

    assert set(error.value.message_dict) == {"phone", "email"}
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_person_needs_a_last_name_and_a_company_its_name(advisor, freiburg):
    with pytest.raises(ValidationError) as person:
        customer_create(actor=advisor, workshop=freiburg, first_name="Anna")
    with pytest.raises(ValidationError) as company:
        customer_create(actor=advisor, workshop=freiburg, kind="company")

    assert "last_name" in person.value.message_dict
    assert "company_name" in company.value.message_dict


@pytest.mark.django_db
def test_consent_is_stamped_when_given_and_again_when_withdrawn(advisor, freiburg):
    customer = customer_create(
        actor=advisor, workshop=freiburg, last_name="Huber", consent_reminders=True
    )
    given_at = customer.consent_reminders_at
    assert given_at is not None
    assert customer.consent_marketing_at is None

    customer = customer_update(actor=advisor, customer=customer, consent_reminders=False)

    assert customer.consent_reminders is False
    assert customer.consent_reminders_at > given_at


@pytest.mark.django_db
def test_new_customers_speak_the_workshops_language_unless_told_otherwise(advisor, freiburg):
    customer = customer_create(actor=advisor, workshop=freiburg, last_name="Huber")

    assert customer.language == "de"


@pytest.mark.django_db
def test_an_update_is_audited_with_before_and_after(advisor, freiburg):
    customer = customer_create(actor=advisor, workshop=freiburg, last_name="Huber", city="Freiburg")

    customer_update(actor=advisor, customer=customer, city="Emmendingen", email="A@B.DE")

    entry = AuditEntry.objects.filter(action="updated").get()
    assert entry.actor == advisor
    assert entry.changes == {"city": ["Freiburg", "Emmendingen"], "email": ["", "a@b.de"]}


@pytest.mark.django_db
def test_a_technician_may_not_create_customers(technician, freiburg):
    with pytest.raises(PermissionDenied):
        customer_create(actor=technician, workshop=freiburg, last_name="Huber")


@pytest.mark.django_db
def test_nobody_creates_customers_for_a_workshop_they_do_not_work_in(advisor, beijing):
    with pytest.raises(PermissionDenied):
        customer_create(actor=advisor, workshop=beijing, last_name="Huber")
    assert not Customer.objects.exists()


def test_chinese_names_read_family_name_first():
    assert Customer(last_name="王", first_name="伟").display_name == "王伟"
    assert Customer(last_name="Huber", first_name="Anna").display_name == "Anna Huber"
    assert Customer(kind="company", company_name="Solar AG").display_name == "Solar AG"
