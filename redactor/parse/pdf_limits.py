"""Bounded PDF content: every page's content streams (and the forms it draws) are inflated under a cap and
their operators counted before pdfminer interprets them, so a small file cannot ask for minutes of work.

Every filter a content stream may use is decoded here under the cap (Flate and LZW a chunk at a time,
RunLength counted as it goes; ASCIIHex and ASCII85 only shrink), so no decoder can be made to produce
more than the limit; predictors, which never lengthen their input, are then applied by qpdf. A page whose
content is shorter than twice the operator limit cannot hold that many operators, so only larger pages are
tokenised.
"""
from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable, Iterator

import pikepdf
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.lzw import LZWDecoder
from pdfminer.psexceptions import PSEOF

from redactor.errors import ParseError, ResourceLimitExceeded, plain
from redactor.limits import Limits, current

INFLATE_CHUNK = 64 * 1024
# One content-stream token per match; group 1 is a keyword (an operator, or true/false/null).
TOKEN = re.compile(rb"""
    \((?:\\.|[^\\()])*\)            # literal string
  | <[0-9A-Fa-f\s]*>                # hex string
  | %[^\r\n]*                       # comment
  | /[^\s/\[\]()<>{}%]*             # name
  | ([A-Za-z'"*][^\s/\[\]()<>{}%]*) # keyword
""", re.VERBOSE)
NOT_OPERATORS = frozenset({b"true", b"false", b"null"})


def check_pdf(name: str, pdf: pikepdf.Pdf, limits: Limits | None = None) -> None:
    """Refuse (ResourceLimitExceeded) a PDF whose page content inflates or counts past the limits."""
    limits = current(limits)
    total = 0
    for number, page in enumerate(pdf.pages, start=1):
        where = f"{name}: page {number}"
        chunks: list[bytes] = []
        size = 0
        for stream in page_streams(page.obj):
            data = stream_bytes(stream, limits.pdf_stream_bytes - size, where, limits)
            chunks.append(data)
            size += len(data)
            total += len(data)
            if total > limits.pdf_total_bytes:
                raise ResourceLimitExceeded(f"{name}: the pages' content inflates past {limits.pdf_total_bytes:,} "
                                            "bytes (limit per document); refused as a hostile file")
        if size >= 2 * limits.pdf_page_operators:     # an operator and its separator take two bytes at least
            operators = count_operators(b"\n".join(chunks), limits.pdf_page_operators + 1)
            if operators > limits.pdf_page_operators:
                raise ResourceLimitExceeded(f"{where} has more than {limits.pdf_page_operators:,} drawing "
                                            "operators (limit per page); refused as a hostile file")


def check_pdf_bytes(name: str, data: bytes, limits: Limits | None = None) -> None:
    """`check_pdf` on raw bytes (for readers other than the parser: the verifier)."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            check_pdf(name, pdf, limits)
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        raise ParseError(f"{name}: not a readable PDF ({plain(exc)})") from exc


def page_streams(page: pikepdf.Dictionary) -> Iterator[pikepdf.Stream]:
    """A page's content streams, then those of every form XObject it can reach (each once)."""
    seen: set[tuple[int, int]] = set()
    contents = page.get("/Contents")
    if isinstance(contents, pikepdf.Array):
        yield from (s for s in contents if isinstance(s, pikepdf.Stream))
    elif isinstance(contents, pikepdf.Stream):
        yield contents
    stack = [page.get("/Resources")]
    while stack:
        resources = stack.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        xobjects = resources.get("/XObject")
        if not isinstance(xobjects, pikepdf.Dictionary):
            continue
        for key in list(xobjects.keys()):
            xobj = xobjects.get(key)
            if not isinstance(xobj, pikepdf.Stream) or xobj.get("/Subtype") != "/Form":
                continue
            ident = xobj.objgen
            if ident != (0, 0) and ident in seen:
                continue
            seen.add(ident)
            yield xobj
            stack.append(xobj.get("/Resources"))


def stream_bytes(stream: pikepdf.Stream, cap: int, where: str, limits: Limits) -> bytes:
    """A stream's decoded bytes, refusing as soon as more than `cap` bytes have been produced."""
    filters = stream.get("/Filter")
    chain = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)] if filters else []
    data = stream.read_raw_bytes()
    if len(data) > cap:
        raise _too_big(where, limits)
    if not chain:
        return data
    if any(f not in DECODERS for f in chain):
        # Image codecs qpdf leaves encoded (its decoding stops at the filters above, all bounded here)
        try:
            data = stream.read_bytes()
        except (pikepdf.PdfError, RuntimeError, ValueError) as exc:
            raise ParseError(f"{where}: a content stream cannot be decoded ({plain(exc)})") from exc
        if len(data) > cap:
            raise _too_big(where, limits)
        return data
    for f in chain:
        data = DECODERS[f](data, cap, where, limits)
    if "/DecodeParms" in stream:      # predictors never lengthen their input: safe to let qpdf apply them now
        try:
            data = stream.read_bytes()
        except (pikepdf.PdfError, RuntimeError, ValueError) as exc:
            raise ParseError(f"{where}: a content stream cannot be decoded ({plain(exc)})") from exc
    return data


def inflate(raw: bytes, cap: int, where: str, limits: Limits) -> bytes:
    """Inflate zlib data a chunk at a time, stopping once `cap` bytes have come out."""
    d = zlib.decompressobj()
    out = bytearray()
    data = raw
    try:
        while data and not d.eof:
            out += d.decompress(data, INFLATE_CHUNK)
            if len(out) > cap:
                raise _too_big(where, limits)
            data = d.unconsumed_tail
    except zlib.error as exc:
        if not out:
            raise ParseError(f"{where}: a content stream is damaged ({plain(exc)})") from exc
    return bytes(out)     # a damaged tail is dropped, as PDF readers do


def lzw_decode(raw: bytes, cap: int, where: str, limits: Limits) -> bytes:
    """LZW-decode a chunk at a time (pdfminer's decoder), stopping once `cap` bytes have come out."""
    out = bytearray()
    try:
        for chunk in LZWDecoder(io.BytesIO(raw)).run():
            out += chunk
            if len(out) > cap:
                raise _too_big(where, limits)
    except (ValueError, IndexError, EOFError, PSEOF) as exc:
        if not out:
            raise ParseError(f"{where}: a content stream is damaged ({plain(exc)})") from exc
    return bytes(out)


def run_length_decode(raw: bytes, cap: int, where: str, limits: Limits) -> bytes:
    """RunLengthDecode (PDF 32000 7.4.5), stopping once `cap` bytes have come out."""
    out = bytearray()
    i = 0
    while i < len(raw) and raw[i] != 128:
        n = raw[i]
        if n < 128:
            out += raw[i + 1: i + 2 + n]
            i += n + 2
        else:
            out += raw[i + 1: i + 2] * (257 - n)
            i += 2
        if len(out) > cap:
            raise _too_big(where, limits)
    return bytes(out)


def ascii_decode(decode: Callable[[bytes], bytes]) -> Decoder:
    """ASCIIHex and ASCII85 only shrink their input: no cap needed beyond the raw size."""
    def run(raw: bytes, cap: int, where: str, limits: Limits) -> bytes:
        try:
            return decode(raw)
        except ValueError as exc:
            raise ParseError(f"{where}: a content stream is damaged ({plain(exc)})") from exc
    return run


Decoder = Callable[[bytes, int, str, Limits], bytes]
DECODERS: dict[str, Decoder] = {
    "/FlateDecode": inflate, "/Fl": inflate,
    "/LZWDecode": lzw_decode, "/LZW": lzw_decode,
    "/RunLengthDecode": run_length_decode, "/RL": run_length_decode,
    "/ASCIIHexDecode": ascii_decode(asciihexdecode), "/AHx": ascii_decode(asciihexdecode),
    "/ASCII85Decode": ascii_decode(ascii85decode), "/A85": ascii_decode(ascii85decode),
    "/Crypt": lambda raw, cap, where, limits: raw,    # qpdf's raw bytes are already decrypted
}


def count_operators(data: bytes, stop: int) -> int:
    """How many operators a content stream holds, counting no further than `stop`."""
    n = 0
    for m in TOKEN.finditer(data):
        word = m.group(1)
        if word is not None and word not in NOT_OPERATORS:
            n += 1
            if n >= stop:
                break
    return n


def _too_big(where: str, limits: Limits) -> ResourceLimitExceeded:
    return ResourceLimitExceeded(f"{where}: its content inflates past {limits.pdf_stream_bytes:,} bytes (limit per "
                                 "page); refused as a hostile file")

