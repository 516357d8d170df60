"""The office's pages: the month at a glance, client statements, reconciliation,
month close, accounting export."""

from django.urls import path

from billing.views import export, office

urlpatterns: list = [
    path("office/", office.office, name="office"),
    path(
        "clients/<int:client_id>/<month:month>/",
        office.client_statement,
        name="client_statement",
    ),
    path(
        "clients/<int:client_id>/<month:month>/statement.pdf",
        office.client_statement_pdf,
        name="client_statement_pdf",
    ),
    path(
        "clients/<int:client_id>/<month:month>/statement.csv",
        office.client_statement_csv,
        name="client_statement_csv",
    ),
    path("reconciliation/", office.reconciliation, name="reconciliation"),
    path("reconciliation.csv", office.reconciliation_csv, name="reconciliation_csv"),
    path("close/", office.close_month_page, name="close_month"),
    path("export/", export.export, name="export"),
    path("export/<month:month>/invoices.csv", export.export_invoices, name="export_invoices"),
    path("export/<month:month>/bills.csv", export.export_bills, name="export_bills"),
]
