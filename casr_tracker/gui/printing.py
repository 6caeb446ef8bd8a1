"""Reports on paper and in PDF: the report template in print mode, laid out block by block (a pledge,
a summary table with its heading) and placed on A4 pages so that no block is cut, with a running
header and "Page i of n"; the same painting serves the PDF file, the printer and the print preview."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from ..errors import CasrError, StorageError
from ..reports.chart import status_chart_svg
from ..reports.html import render_html
from ..reports.model import Report
from .qt import (
    QAbstractTextDocumentLayout,
    QApplication,
    QByteArray,
    QFile,
    QFileDevice,
    QFont,
    QImage,
    QIODevice,
    QMarginsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPointF,
    QRectF,
    QSvgRenderer,
    Qt,
    QTextDocument,
    QUrl,
)

MARGIN_MM = 16
CHART_WIDTH = 620


def ensure_application() -> None:
    """Text layout needs a Qt application; from the command line, start an offscreen one."""
    if QApplication.instance() is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QApplication(sys.argv[:1])


def _chart_image(svg: str, width: int) -> QImage:
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    size = renderer.defaultSize()
    scale = 2 * width / max(size.width(), 1)
    image = QImage(round(size.width() * scale), round(size.height() * scale), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


@dataclass
class Blocks:
    """The report cut into blocks that must not be split (a pledge, a summary table with its
    heading); `page_before[i]` says block i starts a new page."""

    documents: list[QTextDocument]
    page_before: list[bool]


def report_blocks(report: Report) -> Blocks:
    """Lay the report's print HTML out block by block (each its own small QTextDocument)."""
    ensure_application()
    html = render_html(report, mode="print", chart_width=CHART_WIDTH)
    head, _, body = html.partition("<body>")
    body = body.rsplit("</body>", 1)[0]
    charts = {
        f"chart-{st.id}.png": _chart_image(status_chart_svg(st.status_by_sphere), CHART_WIDTH)
        for st in report.statements
    }
    documents, page_before = [], []
    for n, page in enumerate(body.split("<!--PAGE-->")):
        first = True
        for chunk in page.split("<!--BLOCK-->"):
            if not chunk.strip():
                continue
            document = QTextDocument()
            document.setDefaultFont(QFont("DejaVu Sans", 9))
            document.setDocumentMargin(2)
            for name, image in charts.items():
                if name in chunk:
                    document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
            document.setHtml(f"{head}<body>{chunk}</body></html>")
            documents.append(document)
            page_before.append(n > 0 and first)
            first = False
    return Blocks(documents, page_before)


def paint_blocks(blocks: Blocks, device, header: str) -> int:
    """Paint the blocks page after page on a QPdfWriter or QPrinter: a block that does not fit in
    what is left of a page starts the next one (only a block taller than a page runs on), with the
    header on top and "Page i of n" below. Returns the number of pages."""
    dpi = device.logicalDpiY()
    margin = MARGIN_MM / 25.4 * dpi
    band = 0.35 * dpi
    width, height = device.width(), device.height()
    body = QRectF(margin, margin + band, width - 2 * margin, height - 2 * margin - 2 * band)
    placed: list[tuple[int, float, QTextDocument]] = []  # first page, top on it, block
    page, y = 0, 0.0
    for document, new_page in zip(blocks.documents, blocks.page_before, strict=False):
        document.documentLayout().setPaintDevice(device)
        document.setTextWidth(body.width())
        needed = document.size().height()
        if (new_page and placed) or (y > 0 and y + needed > body.height()):
            page, y = page + 1, 0.0
        placed.append((page, y, document))
        y += needed
        while y > body.height():  # taller than a page: it runs on over the following pages
            page, y = page + 1, y - body.height()
    pages = page + 1
    painter = QPainter()
    if not painter.begin(device):
        raise CasrError("The report could not be written (the output could not be opened).")
    try:
        small = QFont("DejaVu Sans", 7)
        for number in range(pages):
            if number:
                device.newPage()
            for first_page, top, document in placed:
                offset = (number - first_page) * body.height() - top  # of the block at this page's top
                if offset + body.height() <= 0 or offset >= document.size().height():
                    continue
                painter.save()
                painter.translate(body.left(), body.top() - offset)
                clip = QRectF(0, offset, body.width(), body.height())
                painter.setClipRect(clip)
                context = QAbstractTextDocumentLayout.PaintContext()
                context.clip = clip
                document.documentLayout().draw(painter, context)
                painter.restore()
            painter.setFont(small)
            painter.setPen(Qt.GlobalColor.darkGray)
            top_band = QRectF(margin, margin, body.width(), band * 0.8)
            painter.drawText(top_band, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), header)
            painter.drawLine(QPointF(margin, margin + band * 0.85), QPointF(width - margin, margin + band * 0.85))
            bottom = QRectF(margin, height - margin - band * 0.8, body.width(), band * 0.8)
            painter.drawText(
                bottom,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"Page {number + 1} of {pages}",
            )
    finally:
        painter.end()
    return pages


def header_of(report: Report) -> str:
    title = report.title if len(report.title) < 90 else report.title[:88] + "…"
    return f"{title} — status as of {report.as_of}"


def print_report(report: Report, device) -> int:
    """The report on a QPrinter or QPdfWriter; returns the number of pages."""
    return paint_blocks(report_blocks(report), device, header_of(report))


def write_pdf(report: Report, path: str) -> int:
    """Write the report as an A4 PDF; returns the number of pages."""
    ensure_application()
    # the PDF goes through a file of ours, whose error state QPdfWriter itself would not report
    # (on a full disk it left a 0-byte file and said nothing)
    output = QFile(str(path))
    if not output.open(QIODevice.OpenModeFlag.WriteOnly | QIODevice.OpenModeFlag.Truncate):
        raise StorageError(f"The report could not be written to {path}: {output.errorString()}.")
    try:
        writer = QPdfWriter(output)
        writer.setResolution(300)
        writer.setTitle(report.title)
        writer.setCreator("CASR Tracker")
        writer.setPageLayout(
            QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
        )
        pages = print_report(report, writer)
        del writer
        output.flush()
        output.close()  # the last bytes go out here: an error can come as late as this
        if output.error() != QFileDevice.FileError.NoError:
            raise StorageError(f"The report could not be written to {path}: {output.errorString()}.")
    finally:
        if output.isOpen():
            output.close()
    with open(path, "rb") as written:  # a PDF cut short (a disk that filled up) has no end-of-file marker
        written.seek(max(0, os.path.getsize(path) - 1024))
        if b"%%EOF" not in written.read():
            raise StorageError(f"The report could not be written to {path}: the disk may be full.")
    return pages
