"""The catalogue's models: how a bank is found by its name."""

import pytest

from catalog.models import Bank
from catalog.tests.factories import BankFactory

pytestmark = pytest.mark.django_db

# LATIN SMALL LETTER LONG S (U+017F) and "s" share one upper case but not one lower case.
LONG_S_BANK = "\u017fample Bank"


def test_a_bank_is_named_regardless_of_case():
    bank = BankFactory(name="Sample Bank")

    assert list(Bank.objects.named("SAMPLE bank")) == [bank]
    assert not Bank.objects.named("Sample Banks").exists()


def test_a_bank_named_matches_as_the_unique_constraint_does_not_by_upper_case():
    """Two names the constraint on `Lower("name")` keeps apart: a look-up finds exactly one."""
    sample = BankFactory(name="Sample Bank")
    long_s = BankFactory(name=LONG_S_BANK)

    assert list(Bank.objects.named("sample bank")) == [sample]
    assert list(Bank.objects.named(LONG_S_BANK)) == [long_s]
