# pydicom as the oracle for SpecificCharacterSetPydicomTest: for every text element that Specific Character Set
# applies to (at any sequence depth), the raw value bytes, the character set in force there (inherited into
# sequence items per PS3.5 7.5.3) and pydicom's decoded values. Prints one JSON array.
import json
import sys

import pydicom
from pydicom.multival import MultiValue

TEXT_VRS = ('SH', 'LO', 'ST', 'LT', 'PN', 'UC', 'UT')
out = []


def walk(ds, charset, path, name):
    if 'SpecificCharacterSet' in ds:
        charset = ds.SpecificCharacterSet
    charset = [] if charset is None else [charset] if isinstance(charset, str) else list(charset)
    # get_item first: it returns the raw bytes only until ds[tag] converts the element.
    for raw in [ds.get_item(tag) for tag in ds.keys()]:
        elem = ds[raw.tag]
        where = path + ['%08X' % int(raw.tag)]
        if elem.VR == 'SQ':
            for i, item in enumerate(elem.value):
                walk(item, charset, where + [str(i)], name)
        elif elem.VR in TEXT_VRS and isinstance(raw.value, bytes) and raw.value:
            v = elem.value
            values = [str(x) for x in v] if isinstance(v, (list, MultiValue)) else [str(v)]
            out.append({'file': name, 'path': '/'.join(where), 'vr': elem.VR, 'charset': charset,
                        'raw': raw.value.hex(), 'values': values})


for f in sys.argv[1:]:
    try:
        ds = pydicom.dcmread(f)
    except Exception as e:  # not DICOM (e.g. FileInfo.txt): the Java side lists what it expects
        print('skipped %s: %s' % (f, e), file=sys.stderr)
        continue
    walk(ds, None, [], f.rsplit('/', 1)[-1])
print(json.dumps(out, ensure_ascii=False))
