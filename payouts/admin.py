"""The admin of the partners' money, and of applications, whose approval moves money.

Every action goes through the services (`payouts.services`, `payouts.decisions`), as the API
does. Commissions and payouts are records: never added, edited or deleted here.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from core.errors import ApplicationError
from orders.admin import OrderAdmin
from orders.models import Order, OrderStatus
from payouts import decisions, services
from payouts.models import CURRENCY, Commission, Payout


class OrderCommissionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Commission
    fk_name = "order"
    fields = ("kind", "partner", "amount", "status", "available_at", "payout", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


class OrderDecisionForm(forms.Form):
    """Approve or reject one application from its page, with a reason kept in its history."""

    status = forms.ChoiceField(choices=[(OrderStatus.APPROVED, ""), (OrderStatus.REJECTED, "")])
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )


@admin.register(Order)
class OrderDecisionAdmin(OrderAdmin):
    """Applications, with the actions approve and reject (recorded with source `admin`), and
    the same two decisions on an application's page, with a reason; an approval writes the
    commissions in the same transaction (`payouts.decisions`)."""

    inlines = (*OrderAdmin.inlines, OrderCommissionInline)
    actions = ("approve", "reject")
    change_form_template = "admin/orders/order/change_form_decision.html"

    def get_urls(self):
        return [
            path(
                "<int:order_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="orders_order_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        decidable = order is not None and order.status in (OrderStatus.NEW, OrderStatus.VIEWED)
        extra = {
            **(extra_context or {}),
            "decision_form": OrderDecisionForm()
            if decidable and self._may_decide(request)
            else None,
        }
        return super().change_view(request, object_id, form_url, extra_context=extra)

    @staticmethod
    def _may_decide(request) -> bool:
        return request.user.has_perm("orders.change_order")

    def decide_view(self, request, order_id: int):
        """POST only: the decision through `payouts.decisions`, then back to the page."""
        page = redirect(reverse("admin:orders_order_change", args=[order_id]))
        if request.method != "POST" or not self._may_decide(request):
            return page
        form = OrderDecisionForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Choose approve or reject."), messages.ERROR)
            return page
        status, reason = form.cleaned_data["status"], form.cleaned_data["reason"].strip()
        by = _("by %(admin)s") % {"admin": request.user.get_username()}
        try:
            done = decisions.admin_decision_apply(
                order_id=order_id, status=status, reason=f"{reason} ({by})" if reason else by
            )
        except ApplicationError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return page
        if done:
            self.message_user(
                request,
                _("The application is %(status)s.") % {"status": OrderStatus(status).label},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("Nothing changed: it already was."), messages.INFO)
        return page

    def _decide(self, request, queryset, status: str) -> None:
        changed, unchanged, refused = 0, 0, []
        drafts = queryset.filter(status=OrderStatus.DRAFT).count()
        submitted = queryset.exclude(status=OrderStatus.DRAFT).values_list("pk", flat=True)
        for order_id in submitted:
            try:
                done = decisions.admin_decision_apply(
                    order_id=order_id, status=status, reason=f"by {request.user.get_username()}"
                )
            except ApplicationError as exc:
                refused.append(f"#{order_id}: {exc.detail}")
                continue
            changed, unchanged = changed + done, unchanged + (not done)
        self.message_user(
            request,
            f"{changed} application(s) {status}; {unchanged} already were.",
            messages.SUCCESS,
        )
        if drafts:
            self.message_user(
                request,
                f"{drafts} draft(s) skipped: a draft is decided only once it is submitted.",
                messages.WARNING,
            )
        if refused:
            self.message_user(request, "Not changed: " + "; ".join(refused), messages.WARNING)

    @admin.action(description=_("Approve selected applications"))
    def approve(self, request, queryset) -> None:
        self._decide(request, queryset, OrderStatus.APPROVED)

    @admin.action(description=_("Reject selected applications"))
    def reject(self, request, queryset) -> None:
        self._decide(request, queryset, OrderStatus.REJECTED)


@admin.register(Commission)
class CommissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The ledger: read-only. Approvals, reversals and payouts write it, through the services."""

    list_display = (
        "id",
        "partner",
        "kind",
        "amount",
        "status",
        "available_at",
        "order",
        "payout",
        "created_at",
    )
    list_filter = ("kind", "status", "created_at")
    search_fields = ("=id", "=order__id", "=payout__id", "partner__username")
    list_select_related = ("partner", "order", "payout")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    fields = (
        "partner",
        "order",
        "kind",
        "amount",
        "status",
        "available_at",
        "payout",
        "reverses",
        "created_at",
    )
    readonly_fields = fields


class PayoutCommissionInline(OrderCommissionInline):
    fk_name = "payout"
    fields = ("kind", "order", "amount", "status", "available_at", "created_at")
    readonly_fields = fields


class PayoutRejectForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class PayoutPaidForm(forms.Form):
    reference = forms.CharField(
        max_length=200, required=False, help_text="The transfer's reference (optional)"
    )


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Payouts: the actions mark paid (with an optional reference) and reject (with a reason),
    and the CSV of the selected ones for the bank transfer. No other change by hand."""

    list_display = (
        "id",
        "partner",
        "amount",
        "commissions_count",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
        "reference",
    )
    list_filter = ("status", "created_at", "decided_at")
    search_fields = ("=id", "partner__username", "partner__email", "reference")
    list_select_related = ("partner", "decided_by")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    fields = (
        "partner",
        "amount",
        "commissions_count",
        "status",
        "payout_details",
        "created_at",
        "decided_at",
        "decided_by",
        "reference",
        "reason",
    )
    readonly_fields = fields
    inlines = (PayoutCommissionInline,)
    actions = ("mark_paid", "reject", "export_csv")

    def _ask(self, request, queryset, *, form, action: str, title: str):
        """The intermediate page of an action that needs a value (reference, reason)."""
        return render(
            request,
            "admin/payouts/payout/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "action": action,
                "payouts": queryset,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    def _run(self, request, queryset, service, done: str, **kwargs) -> None:
        count, refused = 0, []
        for payout_id in queryset.values_list("pk", flat=True):
            try:
                service(payout_id=payout_id, admin=request.user, **kwargs)
            except ApplicationError as exc:
                refused.append(f"#{payout_id}: {exc.detail}")
                continue
            count += 1
        self.message_user(request, f"{count} payout(s) {done}.", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not changed: " + "; ".join(refused), messages.WARNING)

    @admin.action(description=_("Mark selected payouts paid"))
    def mark_paid(self, request, queryset):
        form = PayoutPaidForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(
                request, queryset, form=form, action="mark_paid", title="Mark payouts paid"
            )
        self._run(
            request,
            queryset,
            services.payout_mark_paid,
            "marked paid",
            reference=form.cleaned_data["reference"],
        )
        return None

    @admin.action(description=_("Reject selected payouts"))
    def reject(self, request, queryset):
        form = PayoutRejectForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(request, queryset, form=form, action="reject", title="Reject payouts")
        self._run(
            request,
            queryset,
            services.payout_reject,
            "rejected",
            reason=form.cleaned_data["reason"],
        )
        return None

    @admin.action(description=_("Export selected payouts as CSV"))
    def export_csv(self, request, queryset):
        """Partner, details, amount, currency: what the bank transfer needs, in full."""
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="payouts.csv"'
        writer = csv.writer(response)
        writer.writerow(["payout", "partner", "payout_details", "amount", "currency", "status"])
        for payout in queryset.select_related("partner").order_by("pk"):
            writer.writerow(
                [
                    payout.pk,
                    payout.partner.username,
                    _csv_safe(payout.payout_details),
                    f"{payout.amount:.2f}",
                    CURRENCY,
                    payout.status,
                ]
            )
        return response


def _csv_safe(text: str) -> str:
    """Partner-written text opened in a spreadsheet: a leading `=`, `+`, `-` or `@` would be
    read as a formula (CSV injection), so such a cell starts with a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
