#!/usr/bin/env python3
"""Writes the small seed corpora in fuzz/seeds/TARGET/ (committed; rerun only to change them).

Needs openssl (a throw-away EC key signs the PDF seed). Seeds are kept under a few KB each:
afl-fuzz mutates small inputs much faster, and the harnesses reach the same code.
"""
import base64, gzip, io, os, subprocess, tarfile, tempfile, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    folder = os.path.join(HERE, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def zip_bytes(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def tar_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


DOCX_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
DOCX_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
DOCX_DOC = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            '<w:p><w:r><w:t>UỶ BAN NHÂN DÂN</w:t></w:r></w:p><w:p><w:r><w:t>Số: 12/BC-UBND</w:t><w:tab/><w:br/></w:r></w:p>'
            '<w:p><w:r><w:t>BÁO CÁO</w:t></w:r></w:p><w:p><w:r><w:t>MẬT</w:t></w:r></w:p></w:body></w:document>')
ODT_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
               '<text:p>Số: 7/TTr-STTTT<text:tab/>TỜ TRÌNH<text:line-break/></text:p><text:h>MẬT</text:h><text:p>a<text:s/>b</text:p>'
               '</office:text></office:body></office:document-content>')

docx = zip_bytes([("[Content_Types].xml", DOCX_TYPES), ("_rels/.rels", DOCX_RELS), ("word/document.xml", DOCX_DOC)])
odt = zip_bytes([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", ODT_CONTENT)])
pe = b"MZ\x90\x00\x03\x00" + bytes(120) + b"PE\x00\x00" + bytes(16)
plain_zip = zip_bytes([("bao-cao.txt", "Số: 12/BC-UBND\nBÁO CÁO\n"), ("sub/run.exe", pe)])
nested_zip = zip_bytes([("inner.zip", plain_zip), ("doc.docx", docx)])
jar = zip_bytes([("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"), ("A.class", b"\xca\xfe\xba\xbe")])
tar = tar_bytes([("a.txt", b"hello\n"), ("b.sh", b"#!/bin/sh\necho hi\n")])
tgz = gzip.compress(tar, mtime=0)

# ---- archive ----
write("archive", "docx", docx)
write("archive", "odt", odt)
write("archive", "zip", plain_zip)
write("archive", "nested-zip", nested_zip)
write("archive", "jar", jar)
write("archive", "tar", tar[:2048])  # the end-of-archive blocks are optional to readers
write("archive", "tar.gz", tgz)
write("archive", "gzip", gzip.compress("Số: 1/CV\n".encode(), mtime=0))
write("archive", "rar-header", b"Rar!\x1a\x07\x00" + bytes(32))
write("archive", "7z-header", b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(24))

# ---- pdf-signature ----
def pdf_body(contents_hex_len):
    objects = [
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] /SigFlags 3 >> >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        None,  # content stream
        "<< /FT /Sig /T (Signature1) /V 6 0 R /Rect [0 0 0 0] /P 3 0 R >>",
        "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "
        "/ByteRange [0000000000 0000000000 0000000000 0000000000] /Contents <" + "0" * contents_hex_len + "> >>",
    ]
    stream = "BT /F1 12 Tf 20 150 Td (So: 12/BC-UBND) Tj 0 -20 Td (BAO CAO) Tj ET"
    out = "%PDF-1.7\n"
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        if obj is None:
            out += f"{i} 0 obj\n<< /Length {len(stream)} >>\nstream\n{stream}\nendstream\nendobj\n"
        else:
            out += f"{i} 0 obj\n{obj}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


with tempfile.TemporaryDirectory() as tmp:
    key, cert = os.path.join(tmp, "k.pem"), os.path.join(tmp, "c.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                    "-out", cert, "-subj", "/CN=Fuzz Signer/O=GovGateway", "-days", "3650"], check=True, capture_output=True)
    hexlen = 2400
    pdf = bytearray(pdf_body(hexlen))
    hole_start = pdf.index(b"/Contents <") + len(b"/Contents ")
    hole_end = hole_start + hexlen + 2
    ranges = f"0 {hole_start} {hole_end} {len(pdf) - hole_end}".encode()
    placeholder = b"0000000000 0000000000 0000000000 0000000000"
    at = pdf.index(placeholder)
    pdf[at:at + len(placeholder)] = ranges.ljust(len(placeholder), b" ")
    signed_part = bytes(pdf[:hole_start]) + bytes(pdf[hole_end:])
    content = os.path.join(tmp, "content")
    with open(content, "wb") as f:
        f.write(signed_part)
    sig = subprocess.run(["openssl", "cms", "-sign", "-binary", "-md", "sha256", "-signer", cert, "-inkey", key, "-in", content,
                          "-outform", "DER"], check=True, capture_output=True).stdout
    assert len(sig) * 2 <= hexlen, len(sig)
    pdf[hole_start + 1:hole_start + 1 + len(sig) * 2] = sig.hex().upper().encode()
    signed = bytes(pdf)
    write("pdf-signature", "signed.pdf", signed)
    write("pdf-signature", "signed-then-appended.pdf", signed + b"\n% an incremental update\n%%EOF\n")
    write("archive", "unsigned.pdf", pdf_body(8))  # the archive target also runs the text readers (PdfPig)
    write("pdf-signature", "unsigned.pdf", pdf_body(8).replace(b"/ByteRange [0000000000 0000000000 0000000000 0000000000]", b"/ByteRange [0 0 0 0]"))

    # ---- mime ----
    def message(body_parts, boundary="b1"):
        head = ("From: =?utf-8?b?VsSDbiB0aMaw?= <vanthu@stttt.hatinh.gov.vn>\r\nTo: vanphong@ubnd.hatinh.gov.vn, someone@gmail.com\r\n"
                "Subject: =?utf-8?b?QsOhbyBjw6FvIHPhu5EgMTI=?=\r\nMessage-ID: <1@stttt.hatinh.gov.vn>\r\nMIME-Version: 1.0\r\n")
        if isinstance(body_parts, bytes):
            return head.encode() + body_parts
        out = head.encode() + f"Content-Type: multipart/mixed; boundary={boundary}\r\n\r\n".encode()
        for headers, data in body_parts:
            out += f"--{boundary}\r\n{headers}\r\n\r\n".encode() + data + b"\r\n"
        return out + f"--{boundary}--\r\n".encode()

    text_part = ("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit",
                 "UỶ BAN NHÂN DÂN\r\nSố: 12/BC-UBND\r\nBÁO CÁO\r\nMẬT".encode())
    write("mime", "plain.eml", message(b"Content-Type: text/plain; charset=utf-8\r\n\r\nS\xe1\xbb\x91: 45/GM-UBND\r\nGI\xe1\xba\xa4Y M\xe1\xbb\x9cI\r\n"))
    write("mime", "html.eml", message(b"Content-Type: text/html; charset=windows-1258\r\n\r\n<html><p>S\xf4\xd2: 1/CV</p><br>T&agrave;i li&#7879;u<div>M\xc2T</div></html>\r\n"))
    write("mime", "zip-8bit.eml", message([text_part, ("Content-Type: application/zip\r\nContent-Disposition: attachment; filename=\"ho-so.zip\"\r\n"
                                                      "Content-Transfer-Encoding: binary", plain_zip)]))
    write("mime", "docx-base64.eml", message([text_part, ("Content-Type: application/octet-stream; name=\"bc.docx\"\r\n"
                                                         "Content-Disposition: attachment; filename*=utf-8''b%C3%A1o-c%C3%A1o.docx\r\n"
                                                         "Content-Transfer-Encoding: base64", base64.encodebytes(docx).replace(b"\n", b"\r\n"))]))
    write("mime", "pdf-8bit.eml", message([("Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"giay-moi.pdf\"\r\n"
                                          "Content-Transfer-Encoding: 8bit", signed)]))
    write("mime", "calendar.eml", message([("Content-Type: text/calendar; method=REQUEST; charset=utf-8",
                                            b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:H\xe1\xbb\x8dp\r\nEND:VEVENT\r\nEND:VCALENDAR")]))
    inner = message([text_part, ("Content-Type: application/x-msdownload\r\nContent-Disposition: attachment; filename=\"setup.exe\"\r\n"
                                 "Content-Transfer-Encoding: base64", base64.encodebytes(pe).replace(b"\n", b"\r\n"))], boundary="b2")
    write("mime", "forwarded.eml", message([text_part, ("Content-Type: message/rfc822", inner)]))
    write("mime", "smime-signed.eml", message(
        b"Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=s\r\n\r\n"
        b"--s\r\nContent-Type: text/plain\r\n\r\nS\xe1\xbb\x91: 3/CV\r\n--s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(sig).replace(b"\n", b"\r\n") + b"--s--\r\n"))

# ---- smtp-command ----
for name, line in [
    ("mail", "MAIL FROM:<vanthu@stttt.hatinh.gov.vn> SIZE=1000 BODY=8BITMIME RET=HDRS ENVID=QQ+2B314"),
    ("mail-null", "MAIL FROM:<>"),
    ("mail-route", "MAIL FROM:<@a.vn,@b.gov.vn:user@c.gov.vn>"),
    ("mail-utf8", "MAIL FROM:<văn.thư@sở.gov.vn> SMTPUTF8"),
    ("rcpt", "RCPT TO:<\"quoted \\\" local\"@[192.168.1.1]> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a+2Bb@c.vn"),
    ("rcpt-v6", "RCPT TO:<x@[IPv6:2001:db8::1]>"),
    ("rcpt-postmaster", "RCPT TO:<Postmaster>"),
    ("ehlo", "EHLO client.example.vn"),
]:
    write("smtp-command", name, line + "\r\n")

# ---- smtp-data ---- (first byte: line limit, second: how reads are cut)
write("smtp-data", "message", b"\x40\x05" + b"Subject: x\r\n\r\n..leading dot\r\n.\r\n.\r\nafter")
write("smtp-data", "bare", b"\x07\x03" + b"a\nb\r.\r\n\rc\r\n.x\r\n\r\n.\r\n")
write("smtp-data", "long-lines", b"\x02\x10" + b"0123456789\r\n.\r\n")

# ---- policy-yaml ----
write("policy-yaml", "rules.yaml", """version: 1
domains:
  government: [gov.vn, "*.chinhphu.vn"]
attachments:
  blocked-extensions: [exe, js]
  archive-max-depth: 2
rules:
  - name: secret-outside
    mode: enforce
    when:
      all:
        - secret: true
        - any-recipient-not-in: government
    action: reject
    message:
      vi: "Văn bản mật không được gửi ra ngoài"
      en: "Secret documents may not leave"
  - name: tag
    when: { any: [ { class: bao-cao }, { not: { authenticated: true } }, { attachment-name: "*.exe" } ] }
    action: accept
    add-header: { X-Class: "bao-cao" }
    tag-subject: "[BC]"
""")

# The shipped policy without its comments (the reader's whole vocabulary, in under 8 KB).
with open(os.path.join(HERE, "..", "..", "config", "policy.yaml"), encoding="utf-8") as f:
    shipped = [line for line in f.read().splitlines() if not line.lstrip().startswith("#")]
write("policy-yaml", "shipped.yaml", "\n".join(line for line in shipped if line.strip()) + "\n")
