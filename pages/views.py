"""The pages for people (SPEC §9): thin views over the JSON endpoints' own services.

Each view checks the same per-IP throttle as its JSON twin (`core.throttling`), so a client
cannot double its allowance by switching between the page and the API.
"""

from decimal import Decimal

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import ApplicationError, NotFoundError
from core.throttling import LandingThrottle, PublicOrderThrottle
from orders.services import referral_link_visit
from pages import selectors, services
from pages.forms import LinkApplicationForm

INCOME_EXAMPLE = Decimal(50000)


def _with_lang(request, url: str) -> str:
    """`url` keeping the `?lang=` the visitor chose, which is not remembered otherwise."""
    lang = request.GET.get("lang")
    return f"{url}?lang={lang}" if lang in dict(settings.LANGUAGES) else url


def _throttled(request, throttle):
    seconds = throttle.wait() or 60
    response = render(request, "pages/throttled.html", {"seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _gone(request):
    return render(request, "pages/link_gone.html", status=404)


def _link_page(request, landing, form, *, status: int = 200):
    product = landing.product
    return render(
        request,
        "pages/link.html",
        {"partner": landing.partner, "product": product, "bank": product.bank, "form": form},
        status=status,
    )


def _consent_hint(bank) -> str:
    """What the consent covers: the bank's own terms when it has published them."""
    if bank.terms_url:
        return format_html(
            _("Read the {link_start}terms of {bank}{link_end} on personal data."),
            link_start=format_html('<a href="{}" rel="noopener noreferrer">', bank.terms_url),
            link_end=mark_safe("</a>"),
            bank=bank.name,
        )
    return _(
        "Your income, e-mail and phone go only to %(bank)s, to consider this application, "
        "and to the partner who shared the link, to follow its status."
    ) % {"bank": bank.name}


def _form(landing, data=None) -> LinkApplicationForm:
    return LinkApplicationForm(
        data,
        income_example=floatformat(INCOME_EXAMPLE, "0g"),
        consent_hint=_consent_hint(landing.product.bank),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def referral_page(request, username: str, product_id: int):
    """The client's page of a partner's link: the product and the application form.

    A GET counts a click as the JSON GET does (a HEAD does not, nor the form shown again).
    A POST is the JSON POST's application: the form again with messages (400), the duplicate
    rule (409), or `303` to the thank-you page.
    """
    if request.method == "POST":
        return _submit(request, username=username, product_id=product_id)
    throttle = LandingThrottle()
    if not throttle.allow_request(request, None):
        return _throttled(request, throttle)
    try:
        landing = referral_link_visit(
            username=username, product_id=product_id, count_click=request.method == "GET"
        )
    except NotFoundError:
        return _gone(request)
    return _link_page(request, landing, _form(landing))


def _submit(request, *, username: str, product_id: int):
    throttle = PublicOrderThrottle()
    if not throttle.allow_request(request, None):
        return _throttled(request, throttle)
    try:
        landing = referral_link_visit(username=username, product_id=product_id, count_click=False)
    except NotFoundError:
        return _gone(request)
    form = _form(landing, request.POST)
    if not form.is_valid():
        return _link_page(request, landing, form, status=400)
    try:
        receipt = services.link_application_submit(
            username=username, product_id=product_id, **form.application
        )
    except NotFoundError:
        return _gone(request)
    except ApplicationError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.detail))
        return _link_page(request, landing, form, status=exc.status_code)
    url = reverse("pages:application-done", kwargs={"token": receipt.token})
    response = HttpResponseRedirect(_with_lang(request, url))
    response.status_code = 303
    return response


@require_safe
def application_done(request, token: str):
    """The thank-you page: the application's number and what happens next."""
    receipt = selectors.receipt_by_token(token=token)
    if receipt is None:
        return render(request, "pages/not_found.html", status=404)
    order = receipt.order
    response = render(
        request,
        "pages/done.html",
        {"order": order, "product": order.product, "bank": order.product.bank},
    )
    add_never_cache_headers(response)
    return response


@require_safe
def home(request):
    """The root: what this is, and where the API docs and the admin are."""
    return render(request, "pages/home.html")


def csrf_failure(request, reason: str = ""):
    """A refused form (no or a stale CSRF token): say so in the visitor's language."""
    return render(request, "pages/csrf_failure.html", status=403)
