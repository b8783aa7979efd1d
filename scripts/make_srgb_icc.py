"""Write src/esi_docs/icc/sRGB-v2.icc: a small ICC v2 display profile for sRGB (IEC 61966-2.1).

PDF/A needs an output intent carrying an ICC profile. The freely licensed sRGB profiles in
Debian are ICC v4.4 (colord, CC0) or AGPL (ghostscript); PDF/A-2 asks for a profile version
its ICC references allow, so esi-docs ships its own v2 profile, made from the published sRGB
numbers by this script (no third-party bytes; the output is the same on every run):
the D50-adapted (Bradford) primaries of IEC 61966-2.1 and its piecewise transfer curve.

Run: python scripts/make_srgb_icc.py
"""

from __future__ import annotations

import struct
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "esi_docs" / "icc" / "sRGB-v2.icc"
D50 = (0.9642, 1.0, 0.8249)
PRIMARIES = {  # D50-adapted colorants of sRGB (IEC 61966-2.1, Bradford adaptation)
    b"rXYZ": (0.4360747, 0.2225045, 0.0139322),
    b"gXYZ": (0.3850649, 0.7168786, 0.0971045),
    b"bXYZ": (0.1430804, 0.0606169, 0.7141733),
}
DESCRIPTION = b"sRGB IEC61966-2.1 (esi-docs v2)"
COPYRIGHT = b"No copyright: made by esi-docs from the published sRGB parameters (CC0-1.0)"


def s15f16(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(s15f16(v) for v in values)


def srgb_curve(points: int = 1024) -> bytes:
    """The sRGB transfer function (linear toe, then the 2.4 power), as a 16-bit table."""
    table = []
    for i in range(points):
        v = i / (points - 1)
        linear = v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
        table.append(round(linear * 65535))
    return b"curv\0\0\0\0" + struct.pack(">I", points) + struct.pack(f">{points}H", *table)


def text_description(text: bytes) -> bytes:
    ascii_part = text + b"\0"
    return (
        b"desc\0\0\0\0"
        + struct.pack(">I", len(ascii_part))
        + ascii_part
        + struct.pack(">II", 0, 0)  # no Unicode description
        + struct.pack(">HB", 0, 0)  # no ScriptCode description
        + b"\0" * 67
    )


def profile() -> bytes:
    curve = srgb_curve()
    tags = [
        (b"desc", text_description(DESCRIPTION)),
        (b"cprt", b"text\0\0\0\0" + COPYRIGHT + b"\0"),
        (b"wtpt", xyz(D50)),
        *[(sig, xyz(v)) for sig, v in PRIMARIES.items()],
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data, placed = b"", b"", {}
    for sig, body in tags:
        if body not in placed:  # the three curves share one table
            placed[body] = offset + len(data)
            data += body + b"\0" * (-len(body) % 4)
        table += sig + struct.pack(">II", placed[body], len(body))
    body = struct.pack(">I", len(tags)) + table + data
    size = 128 + len(body)
    header = (
        struct.pack(">I", size)
        + b"\0\0\0\0"  # preferred CMM: none
        + struct.pack(">I", 0x02100000)  # version 2.1
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2026, 12, 4, 0, 0, 0)  # fixed date: the same bytes every run
        + b"acsp"
        + b"\0" * 4  # platform
        + b"\0" * 4  # flags
        + b"\0" * 8  # manufacturer, model
        + b"\0" * 8  # attributes
        + struct.pack(">I", 0)  # perceptual intent
        + b"".join(s15f16(v) for v in D50)
        + b"\0" * 4  # creator
        + b"\0" * 44  # profile ID (v4 only) and reserved
    )
    assert len(header) == 128
    return header + body


if __name__ == "__main__":
    OUT.write_bytes(profile())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
