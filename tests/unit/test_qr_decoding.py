"""The chain the browser tests use to read the TOTP QR code the page shows: segno draws
it (as the BFF does), Pillow opens the image, pyzbar (Debian's libzbar0) decodes it."""

import io

import segno
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

URI = ("otpauth://totp/selfserve%20local%20tenant:alice%40example.com"
       "?secret=ALICEDEMOTOTPSECRETKEYFORTHEDEMO&issuer=selfserve%20local%20tenant")


def test_a_qr_code_drawn_by_segno_decodes_back_to_its_uri():
    png = io.BytesIO()
    segno.make(URI, error="m").save(png, kind="png", scale=4, border=4)
    png.seek(0)
    (symbol,) = decode(Image.open(png), symbols=[ZBarSymbol.QRCODE])
    assert symbol.type == "QRCODE"
    assert symbol.data.decode() == URI
