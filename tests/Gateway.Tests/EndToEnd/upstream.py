"""A recording upstream mail server for the end-to-end tests, built on aiosmtpd.

Usage: upstream.py PORT OUTDIR [--fail-code CODE]
Each accepted message is written to OUTDIR as <n>.eml (the exact bytes received after DATA)
and <n>.json (envelope). A file OUTDIR/fail with lines "PATTERN REPLY" (e.g. "* 451 4.3.0 busy") makes DATA answer
that reply for recipients containing PATTERN, so a test can switch the upstream between states.
"""
import itertools, time, json, os, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

port, outdir = int(sys.argv[1]), sys.argv[2]
counter = itertools.count(1)

class Recorder:
    async def handle_DATA(self, server, session, envelope):
        # Each line of OUTDIR/fail is "PATTERN REPLY": a recipient containing PATTERN ("*" for any)
        # gets that reply for the whole message.
        fail = os.path.join(outdir, "fail")
        if os.path.exists(fail):
            with open(fail) as f:
                for line in f.read().splitlines():
                    pattern, _, reply = line.partition(" ")
                    if pattern == "*" or any(pattern in r for r in envelope.rcpt_tos):
                        return reply.strip()
        n = next(counter)
        tmp = os.path.join(outdir, f"{n}.tmp")
        with open(tmp, "wb") as f:
            f.write(envelope.original_content)
        with open(os.path.join(outdir, f"{n}.json"), "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "mail_options": envelope.mail_options}, f)
        os.rename(tmp, os.path.join(outdir, f"{n}.eml"))
        return "250 2.0.0 stored as %d" % n

class Factory(Controller):
    def factory(self):
        return SMTP(self.handler, enable_SMTPUTF8=True, decode_data=False, data_size_limit=200 * 1024 * 1024)

controller = Factory(Recorder(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass
finally:
    controller.stop()
