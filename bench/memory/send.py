#!/usr/bin/env python3
"""Send one message file COUNT times at once over SMTP (one connection and thread each), streaming the file as DATA.

The file must already have CRLF line ends and no line starting with "." (checked), so it is sent as it lies, in
1 MiB writes: the client never holds a whole message, and 50 senders do not take gigabytes of their own.
Prints one line per message ("250 ..." or the error) and exits 1 unless every message got a 2xx reply.

Usage: send.py HOST PORT FILE COUNT TIMEOUT_SECONDS
"""
import smtplib
import sys
import threading

SENDER = "vanthu@stttt.hatinh.gov.vn"
RECIPIENT = "vanphong@ubnd.hatinh.gov.vn"
CHUNK = 1024 * 1024


def check(path):
    previous = b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            if (previous.endswith(b"\n") and chunk.startswith(b".")) or b"\n." in chunk:
                sys.exit(f"{path}: a line starts with '.', which this sender does not dot-stuff")
            previous = chunk


def send(host, port, path, timeout, results, i):
    try:
        with smtplib.SMTP(host, port, local_hostname="may-tram.stttt.hatinh.gov.vn", timeout=timeout) as smtp:
            smtp.ehlo()
            code, reply = smtp.mail(SENDER)
            if code != 250:
                raise RuntimeError(f"MAIL FROM: {code} {reply.decode(errors='replace')}")
            code, reply = smtp.rcpt(RECIPIENT)
            if code not in (250, 251):
                raise RuntimeError(f"RCPT TO: {code} {reply.decode(errors='replace')}")
            code, reply = smtp.docmd("DATA")
            if code != 354:
                raise RuntimeError(f"DATA: {code} {reply.decode(errors='replace')}")
            with open(path, "rb") as f:
                while chunk := f.read(CHUNK):
                    smtp.sock.sendall(chunk)
            smtp.sock.sendall(b".\r\n")
            code, reply = smtp.getreply()
            results[i] = f"{code} {reply.decode(errors='replace')}"
    except Exception as e:  # reported, and counted as a failure
        results[i] = f"error {type(e).__name__}: {e}"


def main():
    host, port, path, count, timeout = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    if not 1 <= count <= 200:
        sys.exit("COUNT must be 1-200")
    check(path)
    results = [None] * count
    threads = [threading.Thread(target=send, args=(host, port, path, timeout, results, i)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for line in results:
        print(line.replace("\n", " "))
    sys.exit(0 if all(r and r.startswith("2") for r in results) else 1)


if __name__ == "__main__":
    main()
