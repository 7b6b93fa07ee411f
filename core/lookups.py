"""Text that matches "regardless of letter case", the one way the whole project compares it."""

from django.db.models import Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact


def same_text(field: str, value: str) -> Exact:
    """`LOWER(field) = LOWER(value)`: a filter, `queryset.filter(same_text("name", name))`.

    The unique constraints on usernames, e-mails and bank names are on `LOWER(...)`, so a check
    must lower both sides in the database too: `__iexact` compares `UPPER(...)` on PostgreSQL,
    which disagrees with LOWER for some letters (the long s, U+017F, and `s` share one upper
    case but not one lower case), and Python's `casefold()` disagrees with both. Lowering both
    sides in SQL keeps a check, the constraint and sign-in in agreement, and lets PostgreSQL use
    the constraint's index. (SQLite's LOWER folds ASCII only; PostgreSQL is the real database.)
    """
    return Exact(Lower(field), Lower(Value(value)))
