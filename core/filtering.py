"""The lists' filter backend: django-filter's, skipped when a request names none of the filters.

An unfiltered page is the usual request of every list; for it django-filter would still build
its FilterSet (a deep copy of every filter) and validate an empty form, about a tenth of a
list's time. A request that names a filter, with any value, goes through django-filter as
before, its 400s included.
"""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        # A parameter that starts with a filter's name (`status`, `created_after`; a range
        # filter's `<name>_min` too) is the filter's to read.
        names = tuple(filterset_class.base_filters)
        if not any(parameter.startswith(names) for parameter in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)
