"""The agency's "real" mail server in the tests, built on aiosmtpd.

Usage: upstream.py PORT OUTDIR [--auth USER PASSWORD] [--tls CERT.pem KEY.pem]
Each accepted message is written to OUTDIR as <n>.eml (the exact bytes received after DATA)
and <n>.json (envelope). A file OUTDIR/fail with lines "PATTERN REPLY" (e.g. "* 451 4.3.0 busy") makes DATA answer
that reply for recipients containing PATTERN, so a test can switch the upstream between states.
--auth offers AUTH for that one user and prints "auth MECHANISM USER ok|fail" for every attempt;
--tls requires STARTTLS (and AUTH only after it); without it AUTH is allowed in clear (loopback tests only).
"""
import itertools, time, json, os, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

port, outdir = int(sys.argv[1]), sys.argv[2]
options = sys.argv[3:]
login = tls = None
while options:
    if options[0] == "--auth":
        login, options = (options[1].encode(), options[2].encode()), options[3:]
    elif options[0] == "--tls":
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(options[1], options[2])
        options = options[3:]
    else:
        sys.exit("unknown option " + options[0])
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

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == login
    name = auth_data.login.decode(errors="replace") if isinstance(auth_data, LoginPassword) else "?"
    print("auth", mechanism, name, "ok" if ok else "fail", flush=True)
    # handled=False: aiosmtpd sends its own 535 on failure.
    return AuthResult(success=ok, handled=False)

class Factory(Controller):
    def factory(self):
        common = dict(enable_SMTPUTF8=True, decode_data=False, data_size_limit=200 * 1024 * 1024)
        if login is None:
            return SMTP(self.handler, **common)
        if tls is None:
            return SMTP(self.handler, hostname="upstream.hatinh.gov.vn", authenticator=authenticator, auth_require_tls=False, **common)
        return SMTP(self.handler, hostname="upstream.hatinh.gov.vn", authenticator=authenticator,
                    tls_context=tls, require_starttls=True, auth_require_tls=True, **common)

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
