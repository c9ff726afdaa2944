"""Read a Green Button (NAESB ESPI) file: an Atom feed whose entries each hold one ESPI resource, tied together by
their links.

Untrusted XML is read with every expansion off: no entities resolved, no DTD loaded, nothing fetched from the
network, libxml2's default size limits (no huge_tree). ESPI files never carry a DTD, so a file that declares one (an
entity bomb, an external entity) is refused outright; resources sit a few levels deep, so a deeper document is
refused too.

Links: an entry names itself (`rel="self"`), its collection (`up`) and related resources (`related`). Utilities use
them in two styles: hierarchical hrefs (`…/UsagePoint/1/MeterReading/01` lies under `…/UsagePoint/1`) and explicit
`related` links to a child's own href or its collection. Both are followed; a feed with a single usage point (or
meter reading) owns every resource no link places elsewhere.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information

from .errors import InvalidFile, quoted

ATOM = "http://www.w3.org/2005/Atom"
ESPI = "http://naesb.org/espi"
NS = {"a": ATOM, "e": ESPI}
# feed/entry/content/IntervalBlock/IntervalReading/timePeriod/start is 7 levels; the deepest ESPI resources
# (customer and tariff records) reach about 10.
MAX_DEPTH = 16
MAX_HREF = 2_000  # characters in a link; each is cut at its slashes to find the resource above it
_TOO_DEEP = "boolean(" + "/*" * (MAX_DEPTH + 1) + ")"
# A DOCTYPE after the XML declaration, comments and processing instructions, before the root element.
_DOCTYPE = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*)*<!DOCTYPE", re.DOTALL)
_PROLOG_BYTES = 4096  # where the pattern looks; a DOCTYPE further on is caught after parsing (entities unresolved)
_DTD = "The file declares a DTD (entities); Green Button files never do, so it is refused unread."


@dataclass(eq=False)  # identity: a resource is a key of the feed's index
class Resource:
    """One entry: its ESPI element and the hrefs that place it."""

    kind: str  # the ESPI element's local name: UsagePoint, MeterReading, ReadingType, IntervalBlock, …
    element: etree._Element
    atom_id: str
    title: str
    self_href: str
    up_href: str
    related: frozenset[str]

    def text(self, path: str) -> str | None:
        value = self.element.findtext(path, namespaces=NS)
        return value.strip() if value is not None else None


class Feed:
    """The feed's resources, indexed once so that every look-up costs a few dictionary probes: a hostile file of
    many meter readings and blocks must not make the pairing quadratic."""

    def __init__(self, resources: list[Resource]) -> None:
        self.resources = resources
        self._by_kind: dict[str, list[Resource]] = {}
        self._by_self: dict[str, list[Resource]] = {}
        self._naming: dict[str, list[Resource]] = {}  # href -> the resources with a related link to it
        for resource in resources:
            self._by_kind.setdefault(resource.kind, []).append(resource)
            if resource.self_href:
                self._by_self.setdefault(resource.self_href, []).append(resource)
            for href in resource.related:
                self._naming.setdefault(href, []).append(resource)
        self._children: dict[tuple[Resource, str], list[Resource]] = {}
        for child in resources:
            for parent in self._parents(child):
                self._children.setdefault((parent, child.kind), []).append(child)

    def of_kind(self, kind: str) -> list[Resource]:
        return self._by_kind.get(kind, [])

    def named(self, hrefs: frozenset[str], kind: str) -> list[Resource]:
        """The resources of `kind` whose own href is one of `hrefs`."""
        return [resource for href in hrefs for resource in self._by_self.get(href, []) if resource.kind == kind]

    def children(self, parent: Resource, kind: str, *, only_parent: bool) -> list[Resource]:
        """The resources of `kind` linked under `parent`; with `only_parent`, unlinked ones too (it is the only
        possible parent in the feed)."""
        linked = self._children.get((parent, kind), [])
        return linked if linked or not only_parent else self.of_kind(kind)

    def _parents(self, child: Resource) -> list[Resource]:
        """The resources a link places `child` under: one whose href leads this one's (…/UsagePoint/1 over
        …/UsagePoint/1/MeterReading/01), or one with a related link to this one or to its collection."""
        found: dict[Resource, None] = {}
        for href in {child.self_href, child.up_href} - {""}:
            for parent in self._naming.get(href, []):
                found[parent] = None
            cut = href.rfind("/")
            while cut > 0:
                for parent in self._by_self.get(href[:cut], []):
                    found[parent] = None
                cut = href.rfind("/", 0, cut)
        found.pop(child, None)
        return list(found)


def looks_like_xml(data: bytes) -> bool:
    """Whether the bytes start like an XML document (after a byte-order mark and blank space); a CSV never does."""
    return data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<"


def read_feed(data: bytes, *, max_bytes: int) -> Feed:
    if len(data) > max_bytes:
        raise InvalidFile(
            f"The file is {len(data) / 1e6:,.1f} MB; a Green Button file may be at most {max_bytes / 1e6:,.1f} MB "
            "(export a shorter period)."
        )
    root = _parse(data)
    if root.tag != f"{{{ATOM}}}feed":
        raise InvalidFile(
            f"The file is XML but not a Green Button (ESPI) feed: its root element is {quoted(root.tag)}, not an "
            "Atom <feed>."
        )
    resources = []
    for entry in root.iterfind("a:entry", NS):
        content = entry.find("a:content", NS)
        element = None if content is None else next(iter(content.iterchildren(f"{{{ESPI}}}*")), None)
        if element is None:
            continue  # an entry without an ESPI resource (a customer record, a link list) carries no readings
        links = {"self": "", "up": ""}
        related = set()
        for link in entry.iterfind("a:link", NS):
            href = _path(link.get("href", ""))
            if len(href) > MAX_HREF:
                raise InvalidFile(f"The file has a link of {len(href):,} characters; links are at most {MAX_HREF:,}.")
            rel = link.get("rel", "")
            if rel == "related":
                related.add(href)
            elif rel in links:
                links[rel] = href
        resources.append(
            Resource(
                kind=etree.QName(element).localname,
                element=element,
                atom_id=(entry.findtext("a:id", default="", namespaces=NS)).strip(),
                title=(entry.findtext("a:title", default="", namespaces=NS)).strip(),
                self_href=links["self"],
                up_href=links["up"],
                related=frozenset(related),
            )
        )
    return Feed(resources)


def _parse(data: bytes) -> etree._Element:
    if not data.strip():
        raise InvalidFile("The file is empty.")
    if _DOCTYPE.match(data, 0, _PROLOG_BYTES):
        raise InvalidFile(_DTD)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        if "Excessive depth" in str(error.msg):
            raise InvalidFile(_deeper_than_allowed()) from None
        raise InvalidFile(f"The file is not well-formed XML: {error.msg[:200]}.") from None
    if root.getroottree().docinfo.doctype:
        raise InvalidFile(_DTD)
    if root.xpath(_TOO_DEEP):
        raise InvalidFile(_deeper_than_allowed())
    return root


def _deeper_than_allowed() -> str:
    return f"The XML nests elements more than {MAX_DEPTH} levels deep; a Green Button feed never does."


def _path(href: str) -> str:
    """An href without scheme and host, so absolute and relative links to one resource compare equal."""
    parts = urlsplit(href.strip())
    return parts.path.rstrip("/")
