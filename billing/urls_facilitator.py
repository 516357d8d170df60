"""The facilitators' statement pages (and the office's review of claims on them)."""

from django.urls import path

from billing.views import facilitator

STATEMENT = "facilitators/<int:facilitator_id>/<int:client_id>/<month:month>/"

urlpatterns: list = [
    path("", facilitator.my_statements, name="my_statements"),
    path(STATEMENT, facilitator.facilitator_statement, name="facilitator_statement"),
    path(
        f"{STATEMENT}statement.pdf",
        facilitator.facilitator_statement_pdf,
        name="facilitator_statement_pdf",
    ),
    path(
        f"{STATEMENT}statement.csv",
        facilitator.facilitator_statement_csv,
        name="facilitator_statement_csv",
    ),
    path(f"{STATEMENT}claim/", facilitator.submit_claim_view, name="submit_claim"),
    path(f"{STATEMENT}review/", facilitator.review_claim_view, name="review_claim"),
]
