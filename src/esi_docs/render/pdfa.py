"""Makes every PDF a PDF/A-2b document: the archive's format for records kept for years.

PDF/A-2b asks for: every font embedded (the canvas's initial font is DejaVu too, see pdf.py, so
no Helvetica reference is left), XMP metadata naming the PDF/A part and conformance with the
same title, author and dates as the Info dictionary, the document language, and an sRGB output
intent so the device RGB colours have a defined meaning. ReportLab has no PDF/A switch in its
open-source edition; its canvas lets us set the catalogue entries, which is all this needs.
Tagging (PDF/UA) is not possible with it: the web page is the accessible version.

Deterministic: the XMP dates come from the document's own timestamp (fixed in ReportLab's
invariant mode), so reruns and reprints stay byte-identical.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape as _escape_html
from importlib import resources

from reportlab.pdfbase import pdfdoc

ICC_NAME = "sRGB-v2.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
_CATALOG_KEYS = "__NoDefault__"  # the catalogue keys ReportLab writes when set


def escape(text: str) -> str:
    """XML character data: &, < and > escaped, as xml.sax.saxutils.escape does (html is
    loaded already, by ReportLab; xml.sax would be loaded for this alone)."""
    return _escape_html(text, quote=False)


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """The packaged sRGB v2 profile (see icc/README.md)."""
    return (resources.files("esi_docs") / "icc" / ICC_NAME).read_bytes()


class _Info(pdfdoc.PDFInfo):
    """The Info dictionary without empty entries: each one left must match the XMP."""

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        entries = {
            "Title": pdfdoc.PDFString(self.title),
            "Author": pdfdoc.PDFString(self.author),
            "Creator": pdfdoc.PDFString(self.creator),
            "Producer": pdfdoc.PDFString(self.producer),
            "CreationDate": pdfdoc.PDFDate(ts=document._timeStamp),
            "ModDate": pdfdoc.PDFDate(ts=document._timeStamp),
        }
        return pdfdoc.PDFDictionary(entries).format(document)


class _Metadata(pdfdoc.PDFStream):
    """The XMP stream, written as is: PDF/A wants no Filter key on it, and ReportLab's
    streams always write one (an empty array when unfiltered)."""

    def __init__(self, language: str) -> None:
        dictionary = {"Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML")}
        super().__init__(dictionary=pdfdoc.PDFDictionary(dictionary))
        self.language = language

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        # Made when the file is written: the title and author are set after the canvas starts.
        packet = _xmp(document, self.language).encode("utf-8")
        entries = self.dictionary.dict | {"Length": len(packet)}
        head = pdfdoc.format(pdfdoc.PDFDictionary(entries), document)
        return head + b"\nstream\n" + packet + b"\nendstream\n"


def make_archival(canvas: object, *, language: str) -> None:
    """Set up a fresh canvas for PDF/A-2b: metadata, output intent, language."""
    document = canvas._doc  # type: ignore[attr-defined]
    info = _Info()
    info.__dict__.update(document.info.__dict__)
    document.info = info
    catalog = document.Catalog
    keys = list(getattr(catalog, _CATALOG_KEYS))
    setattr(catalog, _CATALOG_KEYS, [*keys, "OutputIntents"])
    catalog.Lang = pdfdoc.PDFString(language)
    catalog.Metadata = _Metadata(language)
    catalog.OutputIntents = pdfdoc.PDFArray([_output_intent(document)])


def _output_intent(document: pdfdoc.PDFDocument) -> pdfdoc.PDFDictionary:
    profile = pdfdoc.PDFStream(dictionary=pdfdoc.PDFDictionary({"N": 3}), content=srgb_profile())
    return pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("OutputIntent"),
            "S": pdfdoc.PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": pdfdoc.PDFString(OUTPUT_CONDITION),
            "Info": pdfdoc.PDFString(OUTPUT_CONDITION),
            "DestOutputProfile": document.Reference(profile),
        }
    )


def _date(document: pdfdoc.PDFDocument) -> str:
    stamp = document._timeStamp
    year, month, day, hour, minute, second = stamp.YMDhms
    offset = f"{stamp.dhh:+03d}:{stamp.dmm:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{offset}"


def _xmp(document: pdfdoc.PDFDocument, language: str) -> str:
    """The XMP packet: PDF/A identification and the Info dictionary's values, equal to it."""
    info = document.info
    when = _date(document)
    title, author = escape(info.title), escape(info.author)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>
<xmp:CreatorTool>{escape(info.creator)}</xmp:CreatorTool>
<xmp:CreateDate>{when}</xmp:CreateDate>
<xmp:ModifyDate>{when}</xmp:ModifyDate>
<xmp:MetadataDate>{when}</xmp:MetadataDate>
<pdf:Producer>{escape(info.producer)}</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
