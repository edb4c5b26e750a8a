"""The invoice's PDF moves to a table of its own, so that loading invoices never reads it (bench)."""

import django.db.models.deletion
from django.db import migrations, models


def pdfs_move(apps, schema_editor):
    Invoice = apps.get_model("sync", "Invoice")
    InvoicePdf = apps.get_model("sync", "InvoicePdf")
    with_pdf = Invoice.objects.filter(pdf__isnull=False).values_list("pk", flat=True).order_by("pk")
    for pk in with_pdf.iterator(chunk_size=200):
        content = Invoice.objects.filter(pk=pk).values_list("pdf", flat=True).get()
        InvoicePdf.objects.create(invoice_id=pk, content=content)


def pdfs_move_back(apps, schema_editor):
    Invoice = apps.get_model("sync", "Invoice")
    InvoicePdf = apps.get_model("sync", "InvoicePdf")
    for pdf in InvoicePdf.objects.order_by("pk").iterator(chunk_size=200):
        Invoice.objects.filter(pk=pdf.invoice_id).update(pdf=pdf.content)


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0002_error_catalogue_seed"),
    ]

    operations = [
        migrations.CreateModel(
            name="InvoicePdf",
            fields=[
                (
                    "invoice",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="pdf_file",
                        serialize=False,
                        to="sync.invoice",
                        verbose_name="invoice",
                    ),
                ),
                ("content", models.BinaryField(verbose_name="PDF")),
            ],
            options={
                "verbose_name": "invoice PDF",
                "verbose_name_plural": "invoice PDFs",
            },
        ),
        migrations.RunPython(pdfs_move, pdfs_move_back),
        migrations.RemoveField(
            model_name="invoice",
            name="pdf",
        ),
    ]
