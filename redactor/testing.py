"""Builders of real hostile files, for the tests and `benchmarks/hostile.py`: zip bombs, an entry that lies
about its size, entity expansion, deep nesting and a PDF operator bomb. Each builder with a harmless size
gives a file the parsers read, so a refusal is about the size and never about the shape."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="word/document.xml"/></Relationships>')
BODY_START = f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t xml:space="preserve">'.encode()
BODY_END = b"</w:t></w:r></w:p></w:body></w:document>"
CHUNK = 1024 * 1024


def docx(document_xml: bytes) -> bytes:
    """A minimal Word package around the given main document part."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", PACKAGE_RELS)
        zf.writestr("word/document.xml", document_xml)
    return out.getvalue()


def docx_bomb(inflated_bytes: int, text: str = "Shannon Reid was seen on Monday. ") -> bytes:
    """A valid DOCX whose one paragraph is `text` then spaces, the main part inflating to `inflated_bytes`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", PACKAGE_RELS)
        head = BODY_START + text.encode()
        pad = max(0, inflated_bytes - len(head) - len(BODY_END))
        info = zipfile.ZipInfo("word/document.xml", (1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=inflated_bytes >= 2**31) as fh:
            fh.write(head)
            block = b" " * CHUNK
            while pad > 0:
                fh.write(block[: min(pad, CHUNK)])
                pad -= CHUNK
            fh.write(BODY_END)
    return out.getvalue()


def docx_lying_size(inflated_bytes: int, declared_bytes: int = 4096) -> bytes:
    """`docx_bomb` with the main part's declared size (local header and central directory) set to a lie."""
    data = bytearray(docx_bomb(inflated_bytes))
    name = b"word/document.xml"
    pos = 0
    while (pos := data.find(b"PK\x03\x04", pos)) >= 0:       # local file headers: size at +22
        n = struct.unpack_from("<H", data, pos + 26)[0]
        if data[pos + 30: pos + 30 + n] == name:
            _set_size(data, pos + 22, pos + 30 + n, struct.unpack_from("<H", data, pos + 28)[0], declared_bytes)
        pos += 4
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:       # central directory: size at +24
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46: pos + 46 + n] == name:
            _set_size(data, pos + 24, pos + 46 + n, struct.unpack_from("<H", data, pos + 30)[0], declared_bytes)
        pos += 4
    return bytes(data)


def _set_size(data: bytearray, at: int, extra_at: int, extra_len: int, size: int) -> None:
    """Write the uncompressed size, in the ZIP64 extra field too when the header defers to it."""
    if struct.unpack_from("<I", data, at)[0] != 0xFFFFFFFF:
        struct.pack_into("<I", data, at, size)
        return
    end = extra_at + extra_len
    while extra_at + 4 <= end:
        tag, length = struct.unpack_from("<HH", data, extra_at)
        if tag == 0x0001:
            struct.pack_into("<Q", data, extra_at + 4, size)       # the first ZIP64 field is the size
            return
        extra_at += 4 + length


def docx_billion_laughs(levels: int = 10) -> bytes:
    """A DOCX whose main part declares entities that each expand to ten of the previous one."""
    ents = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1))
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{ents}]><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r>'
           f'<w:t>&lol{levels};</w:t></w:r></w:p></w:body></w:document>')
    return docx(xml.encode())


def docx_deep_nesting(depth: int) -> bytes:
    """A DOCX whose paragraph sits inside `depth` nested content controls (w:sdt / w:sdtContent)."""
    open_ = b"<w:sdt><w:sdtContent>" * depth
    close = b"</w:sdtContent></w:sdt>" * depth
    para = b'<w:p><w:r><w:t>Deep text</w:t></w:r></w:p>'
    return docx(f'<w:document xmlns:w="{W_NS}"><w:body>'.encode() + open_ + para + close + b"</w:body></w:document>")


def pdf_operator_bomb(inflated_bytes: int, text: str = "Shannon Reid was seen on Monday.",
                      encoding: str = "flate") -> bytes:
    """A one-page PDF (reportlab text) whose content stream starts with `inflated_bytes` of no-ops: `q Q` pairs
    under FlateDecode (`encoding="flate"`, or `"flate+predictor"` with a no-op predictor in DecodeParms), or
    spaces under RunLengthDecode (`"runlength"`)."""
    import pikepdf
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    with pikepdf.open(io.BytesIO(buf.getvalue())) as pdf:
        page = pdf.pages[0]
        original = b"\n".join(s.read_bytes() for s in _contents(page.obj))
        if encoding == "runlength":
            packed = b"\x81 " * (inflated_bytes // 128) + _run_length_literal(b"\n" + original) + b"\x80"
            page.obj.Contents = pikepdf.Stream(pdf, packed)
            page.obj.Contents.Filter = pikepdf.Name.RunLengthDecode
        else:
            noop = b"q Q\n" * max(0, inflated_bytes // 4)
            comp = zlib.compressobj(9)
            page.obj.Contents = pikepdf.Stream(pdf, comp.compress(noop) + comp.compress(original) + comp.flush())
            page.obj.Contents.Filter = pikepdf.Name.FlateDecode
            if encoding == "flate+predictor":
                page.obj.Contents.DecodeParms = pikepdf.Dictionary(Predictor=1)
        out = io.BytesIO()
        pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)
        return out.getvalue()


def _run_length_literal(data: bytes) -> bytes:
    """RunLengthDecode literal runs (up to 128 bytes each) for `data`."""
    return b"".join(bytes([len(chunk) - 1]) + chunk for chunk in (data[i: i + 128] for i in range(0, len(data), 128)))


def _contents(page):  # type: ignore[no-untyped-def]
    import pikepdf

    contents = page.get("/Contents")
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


def scanned_pdf(pdf: bytes, dpi: float = 300, *, pages: list[int] | None = None,
                skew: float | tuple[float, float] = 0.0, noise: float = 0.0, jpeg_quality: int = 90,
                seed: int = 0) -> bytes:
    """A copy of `pdf` in which the listed pages (1-based; all by default) are scans: each is printed to a
    greyscale image at `dpi` (pypdfium2), turned by `skew` degrees (or by a random angle in the range
    `skew`, drawn for each page from `seed`), given Gaussian noise of standard
    deviation `noise` (0-255 scale), JPEG-compressed and put back as an image-only page of the same size.
    The other pages keep their text layer, so a mixed document can be built too."""
    import random

    import numpy
    import pikepdf
    import pypdfium2  # type: ignore[import-untyped]
    from PIL import Image

    rng = random.Random(seed)
    src = pypdfium2.PdfDocument(pdf)
    wanted = pages or list(range(1, len(src) + 1))
    images: dict[int, tuple[bytes, int, int, float, float]] = {}
    try:
        for n in wanted:
            page = src[n - 1]
            w_pt, h_pt = page.get_size()
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            angle = rng.uniform(*skew) if isinstance(skew, tuple) else skew
            if angle:
                image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
            if noise:
                arr = numpy.asarray(image, dtype=numpy.float32)
                gen = numpy.random.default_rng(rng.randrange(2**32))
                arr = numpy.clip(arr + gen.normal(0.0, noise, arr.shape), 0, 255).astype(numpy.uint8)
                image = Image.fromarray(arr, "L")
            buf = io.BytesIO()
            image.save(buf, "JPEG", quality=jpeg_quality)
            images[n] = (buf.getvalue(), image.width, image.height, w_pt, h_pt)
    finally:
        src.close()
    with pikepdf.open(io.BytesIO(pdf)) as pk:
        for n, (jpeg, wpx, hpx, w_pt, h_pt) in images.items():
            page = pk.pages[n - 1]
            xobj = pk.make_stream(jpeg, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=wpx, Height=hpx,
                                  ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8,
                                  Filter=pikepdf.Name.DCTDecode)
            for key in ("/CropBox", "/Rotate", "/Annots"):
                if key in page.obj:
                    del page.obj[key]
            page.obj.MediaBox = pikepdf.Array([0, 0, round(w_pt, 3), round(h_pt, 3)])
            page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Scan=xobj))
            page.obj.Contents = pk.make_stream(f"q {w_pt:.3f} 0 0 {h_pt:.3f} 0 0 cm /Scan Do Q".encode())
        out = io.BytesIO()
        pk.save(out, deterministic_id=True)
        return out.getvalue()


def ocr_layered_pdf(scan: bytes, lines: dict[int, list[str]], size: float = 11.0) -> bytes:
    """A copy of an image-only PDF (`scanned_pdf`) with an earlier OCR's text laid over the listed pages
    (1-based): each line drawn invisibly (text render mode 3) in Helvetica, from the top left down, as
    scanners and PDF editors lay their OCR over a scan. The text need not match the image: a bad OCR's."""
    import pikepdf

    with pikepdf.open(io.BytesIO(scan)) as pk:
        font = pk.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                   BaseFont=pikepdf.Name.Helvetica,
                                                   Encoding=pikepdf.Name.WinAnsiEncoding))
        for n, texts in lines.items():
            page = pk.pages[n - 1]
            height = float(page.mediabox[3])
            ops = [f"BT 3 Tr /OcrF {size:g} Tf"]
            for i, text in enumerate(texts):
                escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                ops.append(f"1 0 0 1 72 {height - 90 - 20 * i:.2f} Tm ({escaped}) Tj")
            ops.append("ET")
            page.obj.Resources.Font = pikepdf.Dictionary(OcrF=font)
            page.contents_add(pk.make_stream("\n".join(ops).encode("cp1252")), prepend=False)
        out = io.BytesIO()
        pk.save(out, deterministic_id=True)
        return out.getvalue()


def scanned_image(pages: list[list[str]], fmt: str = "png", dpi: int = 200, *, skew: float = 0.0,
                  width_in: float = 6.0, exif_artist: str = "") -> bytes:
    """An image file of typed pages (one frame per page; several only for TIFF): each line drawn in 12-point
    DejaVu Sans at `dpi`, black on white, optionally turned by `skew` degrees, saved as `fmt` (png, jpeg,
    tiff) with its resolution, and with an EXIF Artist tag when `exif_artist` is given (metadata a scanner
    writes; the redacted copy must not carry it)."""
    from PIL import Image, ImageDraw, ImageFont

    size = round(12 * dpi / 72)
    font = ImageFont.truetype("DejaVuSans.ttf", size)
    frames = []
    for lines in pages:
        height = round((len(lines) * 1.6 + 2) * size)
        image = Image.new("L", (round(width_in * dpi), height), 255)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines):
            draw.text((round(0.5 * dpi), round((1 + 1.6 * i) * size)), line, font=font, fill=0)
        if skew:
            image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
        frames.append(image)
    buf = io.BytesIO()
    options: dict[str, Any] = {"dpi": (dpi, dpi)}
    if exif_artist:
        exif = Image.Exif()
        exif[0x013B] = exif_artist
        options["exif"] = exif
    if len(frames) > 1:
        options.update(save_all=True, append_images=frames[1:])
    frames[0].save(buf, {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}[fmt], **options)
    return buf.getvalue()
