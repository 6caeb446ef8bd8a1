"""Reports on paper and in PDF: one QTextDocument, paginated with a running header and page numbers,
serves the PDF file, the printer and the print preview."""

from __future__ import annotations

import os
import sys

from ..errors import CasrError
from ..reports.chart import status_chart_svg
from ..reports.html import render_html
from ..reports.model import Report
from .qt import (
    QAbstractTextDocumentLayout,
    QApplication,
    QByteArray,
    QFont,
    QImage,
    QMarginsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPointF,
    QRectF,
    QSizeF,
    QSvgRenderer,
    Qt,
    QTextCursor,
    QTextDocument,
    QTextFormat,
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


def report_document(report: Report) -> QTextDocument:
    """The report laid out as a QTextDocument, charts included as images."""
    ensure_application()
    document = QTextDocument()
    document.setDefaultFont(QFont("DejaVu Sans", 9))
    for statement in report.statements:
        image = _chart_image(status_chart_svg(statement.status_by_sphere), CHART_WIDTH)
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart-{statement.id}.png"), image)
    document.setHtml(render_html(report, mode="print", chart_width=CHART_WIDTH))
    return document


def keep_tables_whole(document: QTextDocument) -> int:
    """Move every table that would straddle two pages (and is shorter than a page) to the next page;
    when a heading stands just before it, the heading goes along; a heading left at the foot of a
    page starts the next one. Returns how many were moved."""
    layout = document.documentLayout()
    page = document.pageSize().height()
    moved = 0
    for frame in document.rootFrame().childFrames():
        rect = layout.frameBoundingRect(frame)
        if rect.height() >= page * 0.95 or int(rect.top() // page) == int((rect.bottom() - 1) // page):
            continue
        before = document.findBlock(frame.firstPosition() - 1)
        if before.isValid() and before.blockFormat().headingLevel() > 0:
            cursor = QTextCursor(before)
            block_format = before.blockFormat()
            block_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            cursor.setBlockFormat(block_format)
        else:
            frame_format = frame.frameFormat()
            frame_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            frame.setFrameFormat(frame_format)
        moved += 1
    block = document.rootFrame().firstPosition()
    block = document.findBlock(block)
    line = document.defaultFont().pointSizeF() * 2
    while block.isValid():
        if block.blockFormat().headingLevel() > 0 and not block.blockFormat().pageBreakPolicy():
            rect = layout.blockBoundingRect(block)
            room = (int(rect.top() // page) + 1) * page - rect.bottom()
            if room < 4 * line * layout.paintDevice().logicalDpiY() / 72:
                cursor = QTextCursor(block)
                block_format = block.blockFormat()
                block_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                cursor.setBlockFormat(block_format)
                moved += 1
        block = block.next()
    return moved


def paint_document(document: QTextDocument, device, header: str) -> int:
    """Paint page after page on a QPdfWriter or QPrinter, with the header on top and "Page i of n"
    below; returns the number of pages."""
    painter = QPainter()
    if not painter.begin(device):
        raise CasrError("The report could not be written (the output could not be opened).")
    try:
        dpi = device.logicalDpiY()
        margin = MARGIN_MM / 25.4 * dpi
        band = 0.35 * dpi
        width, height = device.width(), device.height()
        body = QRectF(margin, margin + band, width - 2 * margin, height - 2 * margin - 2 * band)
        document.documentLayout().setPaintDevice(device)
        document.setPageSize(QSizeF(body.width(), body.height()))
        keep_tables_whole(document)
        pages = document.pageCount()
        small = QFont("DejaVu Sans", 7)
        for page in range(pages):
            if page:
                device.newPage()
            painter.save()
            painter.translate(body.left(), body.top() - page * body.height())
            clip = QRectF(0, page * body.height(), body.width(), body.height())
            painter.setClipRect(clip)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = clip
            document.documentLayout().draw(painter, context)
            painter.restore()
            painter.setFont(small)
            painter.setPen(Qt.GlobalColor.darkGray)
            top = QRectF(margin, margin, body.width(), band * 0.8)
            painter.drawText(top, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), header)
            painter.drawLine(QPointF(margin, margin + band * 0.85), QPointF(width - margin, margin + band * 0.85))
            bottom = QRectF(margin, height - margin - band * 0.8, body.width(), band * 0.8)
            painter.drawText(
                bottom, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), f"Page {page + 1} of {pages}"
            )
    finally:
        painter.end()
    return pages


def header_of(report: Report) -> str:
    title = report.title if len(report.title) < 90 else report.title[:88] + "…"
    return f"{title} — status as of {report.as_of}"


def write_pdf(report: Report, path: str) -> int:
    """Write the report as an A4 PDF; returns the number of pages."""
    ensure_application()
    document = report_document(report)
    writer = QPdfWriter(path)
    writer.setResolution(300)
    writer.setTitle(report.title)
    writer.setCreator("CASR Tracker")
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    )
    return paint_document(document, writer, header_of(report))
