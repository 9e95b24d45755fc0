"""Numbers people read (booking references, later RO and invoice numbers).

One counter row per workshop and key, locked for the rest of the caller's
transaction: two concurrent callers never get the same number, and a rolled
back caller gives its number back.
"""

from django.db import IntegrityError, transaction

from servicelane.core.models import Counter, Workshop


def next_number(*, workshop: Workshop, key: str) -> int:
    """The next number for ``key`` in ``workshop``; call inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside a transaction")
    counter = Counter.objects.select_for_update().filter(workshop=workshop, key=key).first()
    if counter is None:
        try:
            with transaction.atomic():
                Counter.objects.create(workshop=workshop, key=key, value=0)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs below
        counter = Counter.objects.select_for_update().get(workshop=workshop, key=key)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value
