"""/sandbox/coachview/...: the token endpoint and the REST API under api/v1/ (coachview-api.md)."""

from django.urls import path

from sandbox.coachview import views

urlpatterns = [
    path("auth/connect/token", views.token),
    path("api/v1/Facturen", views.invoices),
    path("api/v1/Facturen/<str:invoice_id>/Pdf", views.invoice_pdf),
    path("api/v1/Facturen/<str:invoice_id>/Boekingsstatus", views.invoice_status, {"kind": "Boekingsstatus"}),
    path("api/v1/Facturen/<str:invoice_id>/Betaalstatus", views.invoice_status, {"kind": "Betaalstatus"}),
    path("api/v1/Debiteuren", views.debtors),
]
