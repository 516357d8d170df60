"""The office's pages: client statements, reconciliation, month close, export."""

urlpatterns: list = []
