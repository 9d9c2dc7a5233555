"""Oracle for DicomInputStreamOracleTest: what pydicom 2.3 reads in each file of its own test corpus.

Usage: python3 pydicom_oracle.py DIR...   (walks each DIR recursively, sorted; one JSON object per line per file)

Per file: "file", "read" ("ok" | "force" when only dcmread(force=True) reads it | "error"), "error",
"warnings", "ts" (transfer syntax UID pydicom used), "meta" and "elements": element lists where each element is
{"tag", "vr" (as pydicom reports it), "rawvr" (as encoded, null in implicit VR), "len" (as encoded, 4294967295 for
undefined), "sha1" (of the value bytes as encoded, non-sequences), "text" (decoded values of text VRs),
"items" (SQ: element lists), "frags" (encapsulated: fragment lengths, offset table first)}.
"""
import hashlib
import json
import os
import struct
import sys
import warnings

import pydicom
from pydicom.dataelem import RawDataElement, DataElement_from_raw
from pydicom.errors import InvalidDicomError

TEXT_VRS = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"}
UNDEFINED = 0xFFFFFFFF


def fragments(value, little):
    """Item lengths of an encapsulated value as pydicom holds it (the bytes between the element header and the
    sequence delimitation)."""
    out, pos, fmt = [], 0, "<HHL" if little else ">HHL"
    while pos + 8 <= len(value):
        g, e, n = struct.unpack_from(fmt, value, pos)
        if (g, e) != (0xFFFE, 0xE000):
            break
        out.append(n)
        pos += 8 + n
    return out


def text_values(elem):
    v = elem.value
    if v is None or v == "" or v == b"":
        return []
    if isinstance(v, (list, tuple)) or type(v).__name__ == "MultiValue":
        return [str(x) for x in v]
    if isinstance(v, bytes):
        return None  # pydicom could not decode it as text
    return [str(v)]


def elements(ds, little):
    out = []
    encoding = ds._character_set if hasattr(ds, "_character_set") else None
    for tag in sorted(ds._dict.keys()):
        raw = ds._dict[tag]
        e = {"tag": int(tag)}
        if isinstance(raw, RawDataElement):
            e["rawvr"] = raw.VR
            e["len"] = raw.length
            if raw.value is not None:
                e["sha1"] = hashlib.sha1(raw.value).hexdigest()
            if raw.length == UNDEFINED and raw.value is not None:
                e["frags"] = fragments(raw.value, little)
        else:  # undefined-length SQ (or UN read as SQ) comes parsed already
            e["rawvr"] = None if raw.VR == "SQ" and getattr(raw, "is_undefined_length", False) else raw.VR
            e["len"] = UNDEFINED if getattr(raw, "is_undefined_length", False) else None
        try:
            elem = ds[tag]
        except Exception as ex:  # conversion failure: keep the raw facts
            e["vr"] = e.get("rawvr")
            e["converr"] = repr(ex)
            out.append(e)
            continue
        e["vr"] = elem.VR
        if elem.VR == "SQ":
            e["items"] = [elements(item, little) for item in elem.value]
        elif elem.VR in TEXT_VRS:
            try:
                e["text"] = text_values(elem)
            except Exception as ex:
                e["texterr"] = repr(ex)
        out.append(e)
    return out


def oracle(path):
    r = {"file": path}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            try:
                ds = pydicom.dcmread(path, force=False)
                r["read"] = "ok"
            except InvalidDicomError:
                ds = pydicom.dcmread(path, force=True)
                r["read"] = "force"
            little = ds.is_little_endian if ds.is_little_endian is not None else True
            r["ts"] = str(ds.file_meta.get("TransferSyntaxUID", "")) if hasattr(ds, "file_meta") else ""
            r["implicit"] = ds.is_implicit_VR
            r["little"] = little
            r["meta"] = elements(ds.file_meta, True) if hasattr(ds, "file_meta") else []
            r["elements"] = elements(ds, little)
        except Exception as ex:
            r["read"] = "error"
            r["error"] = f"{type(ex).__name__}: {ex}"
        r["warnings"] = [str(w.message) for w in caught]
    return r


def main():
    for root in sys.argv[1:]:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                print(json.dumps(oracle(os.path.join(dirpath, name))), flush=True)


if __name__ == "__main__":
    main()
