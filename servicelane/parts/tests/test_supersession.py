"""Supersession: an old number resolves to the part that replaced it, through a chain of
any length; a loop is refused when it would be made and never walked forever."""

import itertools

import pytest
from django.core.exceptions import ValidationError

from servicelane.core.tests.factories import NetworkFactory
from servicelane.parts.models import Part
from servicelane.parts.services import part_supersede
from servicelane.parts.supersession import (
    SupersessionLoop,
    chain_forward,
    predecessors,
    resolve,
    resolve_many,
)
from servicelane.parts.tests.factories import PartFactory

pytestmark = pytest.mark.django_db


def chain_of(network, length: int) -> list[Part]:
    """``length`` parts, each replaced by the next one."""
    parts = [PartFactory(network=network) for _ in range(length)]
    for old, new in itertools.pairwise(parts):
        part_supersede(old=old, new=new)
    return [Part.objects.get(pk=p.pk) for p in parts]


def test_a_current_part_resolves_to_itself(network):
    part = PartFactory(network=network)

    assert resolve(part) == part


def test_an_old_number_resolves_to_the_end_of_a_long_chain(network):
    parts = chain_of(network, 12)

    assert resolve(parts[0]) == parts[-1]
    assert [p.number for p in chain_forward(parts[3])] == [p.number for p in parts[3:]]
    assert resolve_many(parts) == {p.pk: parts[-1] for p in parts}


def test_the_current_part_knows_every_number_it_replaced_nearest_first(network):
    a, b, c = chain_of(network, 3)
    side = PartFactory(network=network)
    part_supersede(old=side, new=c)

    assert predecessors(c) == [(b, c), (side, c), (a, b)]


def test_superseding_refuses_a_loop_and_changes_nothing(network):
    a, _b, c = chain_of(network, 3)

    with pytest.raises(ValidationError) as refused:
        part_supersede(old=c, new=a)

    assert "loop" in str(refused.value)
    assert a.number in str(refused.value) and c.number in str(refused.value)
    c.refresh_from_db()
    assert c.superseded_by_id is None


def test_a_part_cannot_replace_itself(network):
    part = PartFactory(network=network)

    with pytest.raises(ValidationError, match="cannot replace itself"):
        part_supersede(old=part, new=part)


def test_a_part_of_another_network_cannot_replace_one(network):
    part = PartFactory(network=network)
    foreign = PartFactory(network=NetworkFactory())

    with pytest.raises(ValidationError, match="another catalogue"):
        part_supersede(old=part, new=foreign)


def test_a_supersession_can_be_withdrawn(network):
    a, _b = chain_of(network, 2)

    part_supersede(old=a, new=None)

    a.refresh_from_db()
    assert resolve(a) == a


def test_a_loop_already_in_the_data_is_reported_not_walked_forever(network):
    a, b, c = chain_of(network, 3)
    Part.objects.filter(pk=c.pk).update(superseded_by=a)  # bypassing the service
    c.refresh_from_db()

    with pytest.raises(SupersessionLoop) as found:
        resolve(b)
    assert found.value.numbers == [b.number, c.number, a.number, b.number]
    # many at once: the parts in the loop stand for themselves
    assert resolve_many([a, b]) == {a.pk: a, b.pk: b}
    assert {old.pk for old, _new in predecessors(a)} == {b.pk, c.pk}
