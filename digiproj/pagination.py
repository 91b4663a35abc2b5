"""The one way a list page is split into pages.

Every paginated view calls `paginate()` and every paginated template includes
`_pagination.html`, whose links are built with Django's `{% querystring %}` so that each
other query parameter (filters, period, organisation, month, sort) is kept on page 2.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_PARAM = "sida"


def paginate(request: HttpRequest, object_list: Any, per_page: int) -> Page:
    """The requested page of `object_list` (`?sida=N`). A page number that is not a number
    gives the first page and one past the end the last page, on every list the same way
    (Paginator.get_page), so an old or hand-edited link never turns into an error page."""
    paginator = Paginator(object_list, per_page)
    page = paginator.get_page(request.GET.get(PAGE_PARAM))
    # The numbered links of the partial: first, last and two either side of this page.
    page.elided_page_range = list(  # type: ignore[attr-defined]
        paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page
