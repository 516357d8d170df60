"""The facilitators' statement pages (and the office's review of claims on them)."""

urlpatterns: list = []
