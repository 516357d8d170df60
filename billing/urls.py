"""/billing/: statements, claims, the office's month close, reconciliation and
accounting export. The facilitators' pages are billing/urls_facilitator.py, the
office's billing/urls_office.py; both use the month converter (YYYY-MM)."""

from django.urls import register_converter

from billing.converters import MonthConverter

register_converter(MonthConverter, "month")

from billing import urls_facilitator, urls_office  # noqa: E402 (after the converter)

app_name = "billing"
urlpatterns = [*urls_facilitator.urlpatterns, *urls_office.urlpatterns]
