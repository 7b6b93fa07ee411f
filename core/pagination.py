"""Page-number pagination for every list, and keyset pages for the long ones.

`{"count", "next", "previous", "results"}` everywhere (SPEC §2). The application lists can grow
without bound, so they page with `ApplicationPagination`: `?page=N` as everywhere, with a count
that is exact up to `COUNT_LIMIT` rows (and says `COUNT_LIMIT` past it: counting further is the
cost that grows with the rows); and `?cursor=` for traversing any depth at the cost of the first
page (a keyset on the list's order: no OFFSET, no full count), whose `next` and `previous` are
cursor links. `?cursor=` with no value starts at the beginning.
"""

from functools import partial

from django.core.paginator import Paginator
from django.db.models import IntegerField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Least
from django.utils.functional import cached_property
from rest_framework.pagination import CursorPagination
from rest_framework.pagination import PageNumberPagination as BasePageNumberPagination
from rest_framework.response import Response

COUNT_LIMIT = 10_000


class PageNumberPagination(BasePageNumberPagination):
    """`?page=N&page_size=M`: 50 a page unless asked, never more than 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_schema_operation_parameters(self, view) -> list[dict]:
        """The bounds the server enforces: pages from 1, page sizes from 1 to 200."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


# The column of a page's rows that carries their list's bounded count (then taken off them).
TOTAL = "_bounded_total"


def bounded_count(queryset) -> int:
    """The number of rows, counting no further than `COUNT_LIMIT` (one bounded query).

    The rows are counted in the list's own order, which its index has: PostgreSQL then walks
    that index (an index-only scan) rather than the table (a sequential scan of every row it
    counts, twice as long at 10,000)."""
    return queryset[:COUNT_LIMIT].count()


def bounded_count_column(queryset) -> RawSQL:
    """`bounded_count(queryset)` as a column of another query: an uncorrelated subquery, which
    PostgreSQL runs once for the whole statement. Its SQL and parameters are the ORM's own
    (`queryset`'s), so nothing but the ORM's parameters reaches the database."""
    sql, params = queryset.values("pk")[:COUNT_LIMIT].query.sql_with_params()
    return RawSQL(  # noqa: S611 - the ORM's own SQL and parameters
        f"SELECT COUNT(*) FROM ({sql}) AS bounded",  # noqa: S608 - the ORM's SQL, parameters apart
        params,
        output_field=IntegerField(),
    )


def with_total(rows, count_of, total=None):
    """`rows` (a `.values()` queryset), each carrying their list's bounded count as `TOTAL`:
    `total` (an expression of the list's exact count, when the view has one) capped at
    `COUNT_LIMIT`, else `count_of`'s bounded count."""
    if total is None:
        column = bounded_count_column(count_of)
    else:
        column = Least(total, Value(COUNT_LIMIT), output_field=IntegerField())
    return rows.annotate(**{TOTAL: column})


def take_total(rows: list[dict]) -> int | None:
    """The bounded count the rows carry (None for no rows), taken off each of them."""
    for row in rows:
        total = row.pop(TOTAL)
    return total if rows else None


class BoundedCountPaginator(Paginator):
    """Django's paginator with `bounded_count`, of `count_of` when given (the same rows as
    `object_list`, in a cheaper query).

    With `count_in_page` (for a queryset of plain rows, `.values()`), a page whose count is
    not known yet is read in one query with the count as a column of its rows (`total`'s when
    given: `with_total`); only an empty page (none there to carry it) counts in a query of its
    own.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *args,
        count_of=None,
        count_in_page=False,
        total=None,
        **kwargs,
    ) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_of = object_list if count_of is None else count_of
        self.count_in_page = count_in_page
        self.total = total

    @cached_property
    def count(self) -> int:
        return bounded_count(self.count_of)

    def page(self, number):
        if "count" in self.__dict__ or not self.count_in_page:
            return super().page(number)
        try:
            start = (int(number) - 1) * self.per_page
        except (TypeError, ValueError):
            return super().page(number)  # Django's own PageNotAnInteger
        if start < 0 or start >= COUNT_LIMIT:
            # Before the first page, or past any page a bounded count can have: Django's own
            # EmptyPage, after the count (an OFFSET this large would overflow the database's).
            return super().page(number)
        rows = with_total(self.object_list, self.count_of, self.total)
        rows = list(rows[start : start + self.per_page])
        total = take_total(rows)
        if total is not None:
            self.__dict__["count"] = total  # `count` is a cached property
        number = self.validate_number(number)
        return self._get_page(rows, number, self)


class _KeysetPages(CursorPagination):
    """DRF's cursor pagination on the view's `cursor_ordering` (its first field is the
    position; rows that tie on it are told apart by an offset)."""

    page_size = PageNumberPagination.page_size
    page_size_query_param = "page_size"
    max_page_size = PageNumberPagination.max_page_size

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        return tuple(view.cursor_ordering)

    def decode_cursor(self, request):
        if not request.query_params.get(self.cursor_query_param):
            return None  # `?cursor=`: the first page
        return super().decode_cursor(request)


class ApplicationPagination(PageNumberPagination):
    """`?page=N` with a count bounded at `COUNT_LIMIT`, or `?cursor=` (keyset) pages.

    A view with `row_columns` gets its page as plain rows, `.values(*row_columns)` of its
    filtered queryset, while the count is of the queryset itself: no columns and none of the
    joins the rows need (building and running those was most of a count's cost). A view that
    also has `unfiltered_total()`, an expression of its whole list's exact count that does not
    count rows (a sum of totals the database keeps), has it used for a request that names no
    filter, capped at `COUNT_LIMIT` as the counted one is.
    """

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.keyset = None
        columns = getattr(view, "row_columns", None)
        rows = queryset.values(*columns) if columns else queryset
        total = self._unfiltered_total(request, view) if columns else None
        if self.cursor_query_param not in request.query_params:
            self.django_paginator_class = partial(
                BoundedCountPaginator, count_of=queryset, count_in_page=bool(columns), total=total
            )
            return super().paginate_queryset(rows, request, view)
        self.keyset = _KeysetPages()
        if columns:  # the count as a column of the page's rows, as the paginator does
            rows = with_total(rows, queryset, total)
            page = self.keyset.paginate_queryset(rows, request, view)
            total = take_total(page)
            self.keyset_count = bounded_count(queryset) if total is None else total
            return page
        self.keyset_count = bounded_count(queryset)
        return self.keyset.paginate_queryset(rows, request, view)

    def _unfiltered_total(self, request, view):
        """The view's `unfiltered_total()` when the request has nothing but paging in it."""
        total_of = getattr(view, "unfiltered_total", None)
        paging = {self.page_query_param, self.page_size_query_param, self.cursor_query_param}
        if total_of is None or not set(request.query_params) <= paging:
            return None
        return total_of()

    def get_paginated_response(self, data):
        if self.keyset is None:
            return super().get_paginated_response(data)
        return Response(
            {
                "count": self.keyset_count,
                "next": self.keyset.get_next_link(),
                "previous": self.keyset.get_previous_link(),
                "results": data,
            }
        )

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "Keyset pages for traversing any depth: empty for the first page, then the "
                    "`next` or `previous` link. Without it, `?page=` pages, whose `count` is "
                    f"exact up to {COUNT_LIMIT:,} rows and says {COUNT_LIMIT:,} past it."
                ),
                "schema": {"type": "string"},
            },
        ]
