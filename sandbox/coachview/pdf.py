"""A small, valid one-page PDF written by hand (no dependency): the invoice as the sandbox 'sent' it."""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def invoice_pdf(lines: list[str]) -> bytes:
    """A one-page A4 PDF showing the given text lines in Helvetica (Latin-1; other characters become '?')."""
    text_ops = ["BT", "/F1 11 Tf", "14 TL", "56 790 Td"]
    for line in lines:
        text_ops.append(f"({_escape(line)}) Tj T*")
    text_ops.append("ET")
    stream = "\n".join(text_ops).encode("latin-1", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


def invoice_pdf_for(data: dict, debtor: dict | None) -> bytes:
    """The PDF of one invoice record (number, date, debtor, lines, totals)."""

    def money(value) -> str:
        try:
            return f"EUR {float(value):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
        except (TypeError, ValueError):
            return str(value)

    kind = "CREDITFACTUUR" if data.get("isCreditfactuur") else "FACTUUR"
    lines = [
        f"{kind} {data.get('factuurnummer', '')}",
        f"Factuurdatum: {data.get('factuurdatum', '')}   Vervaldatum: {data.get('vervaldatum', '')}",
        f"Debiteur: {(debtor or {}).get('debiteurnummer', '')} {(debtor or {}).get('naam', '')}",
        f"Omschrijving: {data.get('omschrijving', '')}",
        "",
    ]
    for line in data.get("factuurregels") or []:
        if isinstance(line, dict):
            lines.append(
                f"{line.get('omschrijving', '')}  {line.get('aantal', '')} x  {money(line.get('bedragExclBtw'))}"
                f"  btw {line.get('btwCode', '')}: {money(line.get('btwBedrag'))}"
            )
    lines += [
        "",
        f"Totaal excl. btw: {money(data.get('totaalExclBtw'))}",
        f"Btw: {money(data.get('totaalBtw'))}",
        f"Totaal incl. btw: {money(data.get('totaalInclBtw'))}",
        f"Betalingskenmerk: {data.get('betalingskenmerk') or '-'}",
    ]
    return invoice_pdf(lines)
