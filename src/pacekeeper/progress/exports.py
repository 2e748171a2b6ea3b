"""A progress report's PDF and XLSX: the one PDF renderer (DESIGN rule 13) and the one XLSX writer
of documents, both given the report's Document."""

from pacekeeper.lib.documents import Document


def pdf_bytes(document: Document) -> bytes:
    from pacekeeper.lib.pdf import render_pdf

    return render_pdf(document)


def xlsx_bytes(document: Document) -> bytes:
    from pacekeeper.lib.tabular import write_document_xlsx

    return write_document_xlsx(document)
