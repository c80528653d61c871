"""Contact fields of enterprise exports: 法定代表人, 电话, 邮箱, 官网 and the address as written.

They are what 招商 staff call, so they are kept, but not as graph attributes (one more string per
firm on a national graph): the loader collects them per enterprise and writes them into the side
table ``G.graph["contacts"]`` (:data:`CONTACT_COLUMNS`, indexed by enterprise id), which
:mod:`chain_gap.io` stores as the bundle's side table ``contacts``. A value that is not usable (an
e-mail without ``@``, a phone without enough digits) is left out of the table with a coded warning;
the row always loads.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from chain_gap._contacts import CONTACT_COLUMNS, merge_contacts
from chain_gap.load.values import split

if TYPE_CHECKING:
    from chain_gap.load.identity import Loader
    from chain_gap.load.issues import FileStats
    from chain_gap.load.mapping import Mapping
    from chain_gap.load.table import Rows

__all__ = ["CONTACT_COLUMNS", "CONTACT_TYPES", "ContactColumns", "merge_contacts"]

CONTACT_TYPES = {"person": "legal_rep", "phone": "phone", "email": "email", "url": "website"}
"""Mapping field type → the contacts column it fills (the address comes from the ``address`` field)."""

MAX_ADDRESS = 500
"""Longest address kept (characters)."""

_PHONE_CHARS = re.compile(r"[0-9０-９+＋\-－—()（）\s转#*ext.,，]+", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s;,，；]+@[^@\s;,，；]+\.[A-Za-z0-9-]{2,}")
_HOST = re.compile(r"(?:[A-Za-z0-9\u4e00-\u9fff](?:[A-Za-z0-9\u4e00-\u9fff-]{0,62})\.)+[A-Za-z\u4e00-\u9fff]{2,}")
_URL = re.compile(r"(?:https?://)?(" + _HOST.pattern + r")(?::\d{1,5})?(?:[/?#]\S*)?", re.IGNORECASE)


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in unicodedata.normalize("NFKC", text))


def _phone_parts(text: str) -> list[str]:
    """The numbers of a phone cell: list separators split it, and so do spaces between whole numbers
    ("0370-5551234 13812345678"), but not the spaces inside one ("0370 555 1234")."""
    out: list[str] = []
    for part in split(text):
        pieces = part.split()
        if len(pieces) > 1 and all(_digits(p) >= 7 for p in pieces):
            out.extend(pieces)
        else:
            out.append(part)
    return out


def _phone_ok(part: str) -> bool:
    return bool(_PHONE_CHARS.fullmatch(part)) and 5 <= _digits(part) <= 20


def _person_ok(text: str) -> bool:
    return len(text) <= 50 and not any(ch.isdigit() or ch in "@/\\" for ch in text)


class ContactColumns:
    """The contact cells of one enterprise table, checked column by column.

    Parameters
    ----------
    ld : Loader
        The load in progress (its warnings).
    rows : Rows
        The table.
    m : Mapping
        Its mapping: fields of type ``person``, ``phone``, ``email``, ``url`` and the ``address`` field.
    """

    def __init__(self, ld: Loader, rows: Rows, m: Mapping) -> None:
        self.ld = ld
        self.fields = [
            (name, CONTACT_TYPES[spec.type]) for name, spec in m.fields.items() if spec.type in CONTACT_TYPES
        ]
        self.cells = {name: rows.all_column(name) for name, _ in self.fields}
        self.address = rows.column("address") if "address" in m.fields else None
        self.active = bool(self.fields) or self.address is not None

    def row(self, i: int, st: FileStats, row_no: int) -> dict[str, str]:
        """The usable contact values of row ``i`` (column → text); warnings for the rest."""
        out: dict[str, str] = {}
        warn = self.ld.warn
        for name, col in self.fields:
            vals = self.cells[name][i]
            if not vals:
                continue
            kept: list[str] = []
            for v in vals:
                if col == "legal_rep":
                    if _person_ok(v):
                        kept.append(v)
                    else:
                        warn(
                            st,
                            row_no,
                            name,
                            v,
                            "not a person's name; left out of the contacts",
                            code="contact-legal-rep-invalid",
                        )
                    continue
                parts = _phone_parts(v) if col == "phone" else split(v)
                for p in parts:
                    ok = _phone_ok(p) if col == "phone" else bool((_EMAIL if col == "email" else _URL).fullmatch(p))
                    if ok:
                        kept.append(p)
                    else:
                        what = {"phone": "a phone number", "email": "an e-mail address", "website": "a web address"}
                        warn(
                            st,
                            row_no,
                            name,
                            p,
                            f"not {what[col]}; left out of the contacts",
                            code=f"contact-{col}-invalid",
                        )
            kept = list(dict.fromkeys(kept))
            if kept:
                prev = out.get(col)
                out[col] = "; ".join(dict.fromkeys([*(prev.split("; ") if prev else []), *kept]))
        if self.address is not None:
            a = self.address[i]
            if len(a) > MAX_ADDRESS:
                warn(
                    st,
                    row_no,
                    "address",
                    a,
                    f"address longer than {MAX_ADDRESS} characters; truncated",
                    code="contact-address-truncated",
                )
                a = a[:MAX_ADDRESS]
            if a:
                out["address"] = a
        return out
