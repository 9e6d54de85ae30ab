"""What a document uploaded to a consultation may be (one home for the rule).

Editors add PDF and DOCX files that the consultation's public page offers to anyone. A file is
taken for what its bytes are, not for its name, and only when it is a plain document:

- a PDF that pypdf reads, not encrypted, with no JavaScript, no action that runs by itself
  (an /OpenAction or /AA other than showing a place in the document), no action that starts a
  program, opens another file or sends form data, no embedded files, no XFA form and no
  multimedia (RichMedia). Every object the cross-reference table lists is looked at, also
  those kept in compressed object streams (see "PDF" below for how), within bounds on the
  number of objects, the bytes unpacked and the time taken;
- a DOCX that is a Word document: its [Content_Types].xml declares the main part that
  _rels/.rels names, and that part is well-formed XML with a w:document root (no DOCTYPE,
  no entities, nothing fetched); it unpacks to at most DOCUMENT_MAX_UNPACKED_BYTES — counted
  while unpacking, not taken from the zip headers — in a bounded number of parts; it carries
  no macros and fetches nothing from another server (a template, an object or a picture).

Each refusal is a ServiceError at the form's "file" field saying what is wrong.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import logging
import posixpath
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from flask_babel import gettext as _

from consult.core.errors import ServiceError

log = logging.getLogger(__name__)

FIELD = "file"

# PDF: at most this many objects, object streams that unpack to at most this many bytes
# together, and a check that ends after this many seconds; a file beyond any of them is
# refused as too complex to check.
PDF_MAX_OBJECTS = 500_000
PDF_MAX_OBJECT_STREAM_BYTES = 100 * 1024 * 1024
PDF_MAX_SECONDS = 10.0

# DOCX: at most this many parts (a long illustrated report has a few hundred).
DOCX_MAX_ENTRIES = 2000

CHUNK = 64 * 1024


DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    fmt: str  # "pdf" or "docx"
    file_name: str  # made safe: slug of the name given, and the format's extension
    media_type: str
    sha256: str


def read_checked(upload, fallback_name: str) -> CheckedFile:
    """An uploaded file (a werkzeug FileStorage) read within DOCUMENT_MAX_BYTES and checked:
    a PDF or DOCX by its bytes, with the matching extension, and nothing active inside.
    Refusals are ServiceErrors at the form's "file" field."""
    from flask import current_app
    from slugify import slugify

    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ServiceError(_("The file is larger than %(mb)d MB.", mb=max(1, limit // 1_000_000)), FIELD)
    if not content:
        raise ServiceError(_("The file is empty."), FIELD)
    fmt = document_format(content)
    name, _sep, extension = (upload.filename or "").rpartition(".")
    if fmt is None or extension.lower() != fmt:
        raise ServiceError(_("Only PDF and DOCX files can be added (checked by their content)."), FIELD)
    check_content(content, fmt, current_app.config["DOCUMENT_MAX_UNPACKED_BYTES"])
    file_name = f"{slugify(name or fallback_name, max_length=80, word_boundary=True) or 'dokument'}.{fmt}"
    return CheckedFile(content, fmt, file_name, DOCUMENT_TYPES[fmt], hashlib.sha256(content).hexdigest())


def document_format(content: bytes) -> str | None:
    """"pdf" or "docx" by what the bytes are (a renamed file is neither): a PDF header, or a
    zip package with a [Content_Types].xml (what its content is gets checked by check_content)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
            return None
        if "[Content_Types].xml" in names:
            return "docx"
    return None


def check_content(content: bytes, fmt: str, max_unpacked_bytes: int) -> None:
    """Refuse (ServiceError at the file field) a PDF or DOCX that is not a plain document."""
    if fmt == "pdf":
        problem = _guarded(_pdf_problem, content)
    else:
        problem = _guarded(_docx_problem, content, max_unpacked_bytes)
    if problem is not None:
        raise ServiceError(_message(problem, max_unpacked_bytes), FIELD)


class _Refuse(Exception):
    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def _guarded(check, *args) -> str | None:
    """The check's problem, or None; a file that makes the parser fail in any way (pypdf and
    zipfile on a hostile file raise many kinds of exceptions, RecursionError and MemoryError
    among them) is unreadable: a clear refusal, never a server error."""
    try:
        return check(*args)
    except _Refuse as refusal:
        return refusal.problem
    except Exception:  # noqa: BLE001 -- see the docstring
        log.info("uploaded %s refused as unreadable", check.__name__, exc_info=True)
        return "pdf_unreadable" if check is _pdf_problem else "docx_unreadable"


def _message(problem: str, max_unpacked_bytes: int) -> str:
    save_pdf = _("Save it again without them (e.g. “Print to PDF”).")
    save_docx = _("Save it again in Word or LibreOffice as “Word Document (.docx)”.")
    messages = {
        "pdf_script": lambda: _("The PDF file contains JavaScript or automatic actions – such files are "
                                "not published.") + " " + save_pdf,
        "pdf_action": lambda: _("The PDF file contains actions that start programs, open other files or "
                                "send form data – such files are not published.") + " " + save_pdf,
        "pdf_embedded": lambda: _("The PDF file contains embedded files or attachments – such files are not "
                                  "published.") + " " + save_pdf,
        "pdf_xfa": lambda: _("The PDF file contains an XFA form or multimedia content – such files are not "
                             "published.") + " " + save_pdf,
        "pdf_encrypted": lambda: _("The PDF file is encrypted or protected with a password, so it cannot be "
                                   "checked. Save it again without a password and without restrictions."),
        "pdf_unreadable": lambda: _("The PDF file cannot be read – it may be damaged. Save it again (e.g. "
                                    "“Print to PDF”) and add it once more."),
        "pdf_too_complex": lambda: _("The PDF file is too complex to be checked. Save it again (e.g. “Print "
                                     "to PDF”) or split it into smaller parts."),
        "docx_not_word": lambda: _("The file is not a Word document: its list of contents does not declare "
                                   "a text document.") + " " + save_docx,
        "docx_damaged": lambda: _("The DOCX file is damaged: its text (word/document.xml) is missing or is "
                                  "not a valid Word document.") + " " + save_docx,
        "docx_unreadable": lambda: _("The DOCX file cannot be read – it may be damaged.") + " " + save_docx,
        "docx_too_large": lambda: _("The DOCX file unpacks to more than %(mb)d MB – such files are not "
                                    "published. Make it smaller (e.g. by compressing its pictures) and add "
                                    "it once more.", mb=max(1, max_unpacked_bytes // (1024 * 1024))),
        "docx_too_many_parts": lambda: _("The DOCX file consists of too many parts (more than %(count)d) to "
                                         "be checked.", count=DOCX_MAX_ENTRIES) + " " + save_docx,
        "docx_macros": lambda: _("The file contains macros – such files are not published. Save it again as "
                                 "“Word Document (.docx)” (without macros)."),
        "docx_remote": lambda: _("The DOCX file fetches content from another server (a template, an object "
                                 "or a linked picture) – such files are not published. Remove these links "
                                 "and add the file once more."),
    }
    return messages[problem]()


# PDF -------------------------------------------------------------------------------------------
#
# pypdf reads the file's structure (cross-reference tables and streams, the trailer, whether it is
# encrypted) and unpacks its object streams; it is pure Python and slow (some 0.1 ms an object:
# a 4 MB tagged PDF has 160,000 objects), so it does not parse every object. Every object has
# to name what makes it hostile — a key such as /JS, /OpenAction or /EF, or a value such as
# /Launch or /FileAttachment — so the bytes of the file and of each unpacked object stream are
# searched for those names (also when written with #xx escapes) and only the objects that
# contain one are parsed and judged, each on its own; references they hold to other objects
# are followed where the judgement needs them (the action an /OpenAction names, say).

# Actions that start a program, open another file, send or import form data, or play media.
_PDF_ACTIONS_REFUSED = {"/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
                        "/RichMediaExecute", "/Rendition"}
# A name that is an object of its own (``12 0 obj /JavaScript endobj``) and that, referred to as
# the /S, /Type or /Subtype of a dictionary, would make it hostile.
_PDF_NAMES_REFUSED = {"/JavaScript": "pdf_script", "/EmbeddedFile": "pdf_embedded",
                      "/FileAttachment": "pdf_embedded", "/RichMedia": "pdf_xfa",
                      **{name: "pdf_action" for name in _PDF_ACTIONS_REFUSED}}
# Every name _pdf_dictionary_problem looks for, as a key or a value.
_PDF_TRIGGERS = frozenset({"JS", "JavaScript", "OpenAction", "AA", "URI", "EmbeddedFiles", "EF",
                           "XFA", "RichMediaContent", *(name[1:] for name in _PDF_NAMES_REFUSED)})
_PDF_REGULAR = rb"[^\x00\t\n\x0c\r /<>\[\]()%{}]"  # a character that continues a name
_PDF_TRIGGER = re.compile(rb"/(?:" + b"|".join(sorted((name.encode() for name in _PDF_TRIGGERS), key=len,
                                                      reverse=True)) + rb")(?!" + _PDF_REGULAR + rb")")
# A link to a web page or an e-mail address (``/S /URI /URI (https://…)``): the words /URI need
# no closer look (a /URI is judged only for a javascript: address).
_PDF_SPACE = rb"[\x00\t\n\x0c\r ]*"
_PDF_PLAIN_URI = re.compile(rb"/URI(?:" + _PDF_SPACE + rb"/URI)?" + _PDF_SPACE
                            + rb"\((?:https?://|mailto:|tel:|ftp://)", re.IGNORECASE)
_PDF_ESCAPED_NAME = re.compile(rb"/" + _PDF_REGULAR + rb"*#[0-9A-Fa-f]{2}" + _PDF_REGULAR + rb"*")
_NEXT_DEPTH = 16


def _pdf_problem(content: bytes) -> str | None:
    return _Pdf(content).problem()


def _suspect_positions(data: bytes) -> Iterator[int]:
    """Where the data names something _pdf_dictionary_problem looks for."""
    for match in _PDF_TRIGGER.finditer(data):
        if match.group() != b"/URI" or not _PDF_PLAIN_URI.match(data, match.start()):
            yield match.start()
    for match in _PDF_ESCAPED_NAME.finditer(data):
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda escape: bytes([int(escape[1], 16)]), match.group()[1:])
        if name.decode("latin-1") in _PDF_TRIGGERS:
            yield match.start()


def _containing(starts: list[int], positions) -> set[int]:
    """The indexes of the objects (sorted start offsets) the positions lie in."""
    found = set()
    for position in positions:
        index = bisect.bisect_right(starts, position) - 1
        if index >= 0:
            found.add(index)
    return found


class _Pdf:
    def __init__(self, content: bytes):
        from pypdf import PdfReader

        self.content = content
        self.reader = PdfReader(io.BytesIO(content), strict=False)
        self.streams: dict[int, tuple[bytes, dict[int, int], list[int]]] = {}
        self.stream_bytes = 0
        self.deadline = time.monotonic() + PDF_MAX_SECONDS

    def problem(self) -> str | None:
        from pypdf.generic import DictionaryObject

        reader = self.reader
        if reader.is_encrypted:
            return "pdf_encrypted"
        if sum(len(numbers) for numbers in reader.xref.values()) + len(reader.xref_objStm) > PDF_MAX_OBJECTS:
            return "pdf_too_complex"
        root = self.resolve(dict.get(reader.trailer, "/Root"))
        if not isinstance(root, DictionaryObject) or "/Pages" not in root:
            return "pdf_unreadable"
        problem = self.inspect(reader.trailer)
        if problem is not None:
            return problem

        # The objects written in the file itself (each runs up to where the next one starts).
        located = sorted((offset, number, generation) for generation, numbers in reader.xref.items()
                         for number, offset in numbers.items() if isinstance(offset, int))
        starts = [offset for offset, _number, _generation in located]
        for index in sorted(_containing(starts, _suspect_positions(self.content))):
            _offset, number, generation = located[index]
            problem = self.inspect(self.get(number, generation), top=True)
            if problem is not None:
                return problem

        # The objects kept in compressed object streams.
        for stream_number in sorted({stream for stream, _index in reader.xref_objStm.values()}):
            data, _offsets, stream_starts = self.stream(stream_number)
            for index in sorted(_containing(stream_starts, _suspect_positions(data))):
                problem = self.inspect(self.read(data, stream_starts[index]), top=True)
                if problem is not None:
                    return problem
        return None

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Refuse("pdf_too_complex")

    def get(self, number: int, generation: int):
        """One object, parsed on its own (pypdf would parse its whole object stream)."""
        from pypdf.generic import IndirectObject, NullObject

        self.tick()
        if generation == 0 and number in self.reader.xref_objStm:
            data, offsets, _starts = self.stream(self.reader.xref_objStm[number][0])
            offset = offsets.get(number)
            return NullObject() if offset is None else self.read(data, offset)
        return self.reader.get_object(IndirectObject(number, generation, self.reader))

    def resolve(self, value):
        from pypdf.generic import IndirectObject

        return self.get(value.idnum, value.generation) if isinstance(value, IndirectObject) else value

    def read(self, data: bytes, offset: int):
        from pypdf.generic import read_object

        stream = io.BytesIO(data)
        stream.seek(offset)
        return read_object(stream, self.reader)

    def stream(self, number: int) -> tuple[bytes, dict[int, int], list[int]]:
        """An object stream unpacked: its data, where each object starts (by number), and the
        start offsets sorted."""
        from pypdf.generic import IndirectObject, StreamObject

        if number not in self.streams:
            self.tick()
            stream = self.reader.get_object(IndirectObject(number, 0, self.reader))
            if not isinstance(stream, StreamObject) or stream.get("/Type") != "/ObjStm":
                raise _Refuse("pdf_unreadable")
            data = stream.get_data()
            self.stream_bytes += len(data)
            if self.stream_bytes > PDF_MAX_OBJECT_STREAM_BYTES:
                raise _Refuse("pdf_too_complex")
            first = int(stream["/First"])
            header = [int(value) for value in data[:first].split()]
            offsets: dict[int, int] = {}
            for object_number, offset in zip(header[::2], header[1::2], strict=False):
                offsets.setdefault(object_number, first + offset)
            self.streams[number] = (data, offsets, sorted(set(offsets.values())))
        return self.streams[number]

    def inspect(self, obj, top: bool = False) -> str | None:
        """What is wrong with one object: its dictionaries, also those inside its arrays."""
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject

        if top and isinstance(obj, NameObject) and obj in _PDF_NAMES_REFUSED:
            return _PDF_NAMES_REFUSED[obj]
        stack = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, DictionaryObject):
                problem = self.dictionary_problem(item)
                if problem is not None:
                    return problem
                children = dict.values(item)
            elif isinstance(item, ArrayObject):
                children = list.__iter__(item)
            else:
                continue
            stack.extend(child for child in children if isinstance(child, (DictionaryObject, ArrayObject)))
        return None

    def dictionary_problem(self, obj) -> str | None:
        """What is wrong with one dictionary of a PDF (those inside it are looked at separately)."""
        from pypdf.generic import DictionaryObject

        def entry(key: str):
            return self.resolve(dict.get(obj, key))

        if "/JS" in obj or "/JavaScript" in obj:  # a script, or the document's scripts (/Names)
            return "pdf_script"
        kind = entry("/S")
        if kind == "/JavaScript":
            return "pdf_script"
        if kind in _PDF_ACTIONS_REFUSED:
            return "pdf_action"
        if kind == "/URI":
            uri = entry("/URI")
            if isinstance(uri, bytes):
                uri = uri.decode("latin-1")
            if isinstance(uri, str) and uri.strip().lower().startswith(("javascript:", "vbscript:")):
                return "pdf_script"
        if "/OpenAction" in obj and not self.shows_a_place(entry("/OpenAction"), destination=True):
            return "pdf_script"
        if "/AA" in obj:
            triggers = entry("/AA")
            if not isinstance(triggers, DictionaryObject) or not all(
                    self.shows_a_place(self.resolve(action)) for action in dict.values(triggers)):
                return "pdf_script"
        subtype = entry("/Subtype")
        if ("/EmbeddedFiles" in obj or "/EF" in obj or entry("/Type") == "/EmbeddedFile"
                or subtype == "/FileAttachment"):
            return "pdf_embedded"
        if "/XFA" in obj or "/RichMediaContent" in obj or subtype == "/RichMedia":
            return "pdf_xfa"
        return None

    def shows_a_place(self, value, destination: bool = False, depth: int = 0) -> bool:
        """Whether an automatic action (an /OpenAction, an entry of /AA, a /Next) only shows a
        place of the document: nothing, a destination (/OpenAction only), or a /GoTo action whose
        next actions do no more."""
        from pypdf.generic import ArrayObject, DictionaryObject, NullObject

        if value is None or isinstance(value, NullObject):
            return True
        if destination and isinstance(value, (ArrayObject, str, bytes)):
            return True  # [page /Fit], or a named destination
        if not isinstance(value, DictionaryObject) or depth > _NEXT_DEPTH:
            return False
        if self.resolve(dict.get(value, "/S")) != "/GoTo":
            return False
        following = self.resolve(dict.get(value, "/Next"))
        following = list.__iter__(following) if isinstance(following, ArrayObject) else [following]
        return all(self.shows_a_place(self.resolve(action), depth=depth + 1) for action in following)


# DOCX ------------------------------------------------------------------------------------------

_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
                    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument")  # strict
_XML_MAX_KEPT = 10 * DOCX_MAX_ENTRIES  # content types and relationships kept from one part
_WORD_DOCUMENT = ("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}document",
                  "{http://purl.oclc.org/ooxml/wordprocessingml/main}document")  # strict


class _XmlEvents:
    """An lxml parser target that builds no tree: it keeps the root's tag, whether there was a
    DOCTYPE, and the attributes of the elements asked for (those ``select`` takes, when given;
    at most _XML_MAX_KEPT of them)."""

    def __init__(self, keep: tuple[str, ...] = (), select=None):
        self.keep = keep
        self.select = select
        self.root: str | None = None
        self.has_doctype = False
        self.elements: list[tuple[str, dict[str, str]]] = []

    def start(self, tag, attrib):
        if self.root is None:
            self.root = tag
        if tag in self.keep and (self.select is None or self.select(attrib)):
            if len(self.elements) >= _XML_MAX_KEPT:
                raise _Refuse("docx_too_many_parts")
            self.elements.append((tag, dict(attrib)))

    def doctype(self, *args):
        self.has_doctype = True

    def close(self):
        return self


def _parse(chunks, keep: tuple[str, ...] = (), select=None) -> _XmlEvents | None:
    """The events of a well-formed XML part without a DOCTYPE, or None. Nothing is fetched,
    no entity is expanded and no tree is built, so a part costs no more than its size."""
    from lxml import etree

    events = _XmlEvents(keep, select)
    parser = etree.XMLParser(target=events, resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        for chunk in chunks:
            parser.feed(chunk)
            if events.has_doctype:
                return None
        parser.close()
    except etree.XMLSyntaxError:
        return None
    return None if events.has_doctype or events.root is None else events


class _WellFormed:
    """An lxml parser target with no callback per element (a long document costs the parser's
    own time only): it notes a DOCTYPE."""

    def __init__(self):
        self.has_doctype = False

    def doctype(self, *args):
        self.has_doctype = True

    def close(self):
        return self


def _document_root(chunks) -> str | None:
    """The root tag of a well-formed XML part without a DOCTYPE, or None: the first chunks go
    to a parser that reports the root, every chunk to one that only checks the whole part."""
    from lxml import etree

    options = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
    probe = _XmlEvents()
    probe_parser = etree.XMLParser(target=probe, **options)
    checker = _WellFormed()
    parser = etree.XMLParser(target=checker, **options)
    try:
        for chunk in chunks:
            if probe.root is None and not probe.has_doctype:
                try:
                    probe_parser.feed(chunk)
                except etree.XMLSyntaxError:
                    pass  # the checker says so as well
            parser.feed(chunk)
            if checker.has_doctype or probe.has_doctype:
                return None
        parser.close()
    except etree.XMLSyntaxError:
        return None
    return None if checker.has_doctype else probe.root


class _Budget:
    """How many unpacked bytes the whole package may still take."""

    def __init__(self, limit: int):
        self.left = limit

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise _Refuse("docx_too_large")


def _unpacked(content: bytes, info: zipfile.ZipInfo, budget: _Budget) -> Iterator[bytes]:
    """The unpacked bytes of one member, in chunks, counted against the budget as they come:
    the sizes in the zip headers are not trusted (they are checked at the end, with the CRC)."""
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _Refuse("docx_unreadable")  # encrypted, or a compression Word does not write
    start = info.header_offset
    header = content[start:start + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _Refuse("docx_unreadable")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    data_start = start + 30 + name_length + extra_length
    data = memoryview(content)[data_start:data_start + info.compress_size]
    if len(data) != info.compress_size:
        raise _Refuse("docx_unreadable")
    size, crc = 0, 0
    for piece in _inflated(data) if info.compress_type == zipfile.ZIP_DEFLATED else _stored(data):
        budget.spend(len(piece))
        size += len(piece)
        crc = zlib.crc32(piece, crc)
        yield piece
    if size != info.file_size or crc != info.CRC:
        raise _Refuse("docx_unreadable")


def _stored(data: memoryview) -> Iterator[bytes]:
    for offset in range(0, len(data), CHUNK):
        yield bytes(data[offset:offset + CHUNK])


def _inflated(data: memoryview) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for offset in range(0, len(data), CHUNK):
        pending = bytes(data[offset:offset + CHUNK])
        while pending and not inflater.eof:
            piece = inflater.decompress(pending, CHUNK)
            if piece:
                yield piece
            pending = inflater.unconsumed_tail
        if inflater.eof:
            break
    if not inflater.eof:
        raise _Refuse("docx_unreadable")  # the deflate stream is cut short


def _part_name(target: str) -> str | None:
    """The zip member name that a target of the package's relationships (_rels/.rels) names."""
    path = posixpath.normpath(unquote(target.strip()).replace("\\", "/").lstrip("/"))
    return None if path.startswith("../") or path in (".", "..") else path


def _remote(target: str) -> bool:
    """Whether an external target is on another machine (a web address, a network share),
    not a file on the author's own disk (a template in their profile, say)."""
    target = target.strip().replace("\\", "/")
    if target.startswith("//"):
        return True  # \\server\share
    scheme, sep, rest = target.partition(":")
    if not sep or len(scheme) == 1:
        return False  # a relative name, or C:/…
    if scheme.lower() != "file":
        return True
    if not rest.startswith("//"):
        return False
    host, _sep, path = rest[2:].partition("/")
    return host.lower() not in ("", "localhost") or path.startswith("/")  # file://host/…, file:////host/…


def _docx_problem(content: bytes, max_unpacked_bytes: int) -> str | None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > DOCX_MAX_ENTRIES:
        return "docx_too_many_parts"
    members = {info.filename: info for info in infos}
    if len({name.casefold() for name in members}) != len(infos):
        return "docx_unreadable"  # two members of one name: readers disagree on which counts
    if sum(info.file_size for info in infos) > max_unpacked_bytes:
        return "docx_too_large"
    if any(name.casefold().endswith(("vbaproject.bin", "vbadata.xml")) for name in members):
        return "docx_macros"
    if "[Content_Types].xml" not in members:
        return "docx_not_word"
    budget = _Budget(max_unpacked_bytes)

    # What the package declares: the content type of each part, and its main part.
    types = _parse(_unpacked(content, members["[Content_Types].xml"], budget),
                   (_CONTENT_TYPES + "Default", _CONTENT_TYPES + "Override"))
    if types is None or types.root != _CONTENT_TYPES + "Types":
        return "docx_not_word"
    defaults = {a.get("Extension", "").casefold(): a.get("ContentType", "")
                for tag, a in types.elements if tag.endswith("}Default")}
    overrides = {a.get("PartName", "").lstrip("/").casefold(): a.get("ContentType", "")
                 for tag, a in types.elements if tag.endswith("}Override")}
    if any("macroenabled" in value.casefold() or "vbaproject" in value.casefold()
           for value in (*defaults.values(), *overrides.values())):
        return "docx_macros"
    if "_rels/.rels" not in members:
        return "docx_not_word"
    package_rels = _parse(_unpacked(content, members["_rels/.rels"], budget), (_RELATIONSHIPS,))
    if package_rels is None:
        return "docx_not_word"
    main = next((_part_name(a.get("Target", "")) for _tag, a in package_rels.elements
                 if a.get("Type") in _OFFICE_DOCUMENT and a.get("TargetMode") != "External"), None)
    if main is None:
        return "docx_not_word"
    declared = overrides.get(main.casefold(), defaults.get(posixpath.splitext(main)[1][1:].casefold()))
    if declared != _MAIN_TYPE:
        return "docx_not_word"
    if main not in members:
        return "docx_damaged"

    # Every other part is unpacked (and counted); the main part and the relationships parsed.
    remote = False
    for info in infos:
        if info.filename in ("[Content_Types].xml", "_rels/.rels"):
            continue
        chunks = _unpacked(content, info, budget)
        if info.filename == main:
            if _document_root(chunks) not in _WORD_DOCUMENT:
                return "docx_damaged"
        elif info.filename.endswith(".rels"):
            rels = _parse(chunks, (_RELATIONSHIPS,), _fetches)
            if rels is None:
                return "docx_unreadable"
            remote = remote or bool(rels.elements)
        else:
            for _chunk in chunks:
                pass
    return "docx_remote" if remote or any(_fetches(a) for _tag, a in package_rels.elements) else None


def _fetches(relationship) -> bool:
    """Whether a relationship makes Word fetch something from another machine when the document
    is opened (a template, an OLE object, a frame, a picture); a hyperlink is only followed when
    the reader clicks it."""
    return (relationship.get("TargetMode") == "External"
            and not relationship.get("Type", "").endswith("/hyperlink")
            and _remote(relationship.get("Target", "")))
