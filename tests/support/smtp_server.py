#!/usr/bin/python3
"""A real SMTP server for tests (Debian's python3-aiosmtpd), driven by tests/support/smtp_server.h.

Every accepted message lands in --dir as NNNNNN.eml (the bytes received) and NNNNNN.json (parsed by
Python's own e-mail package: an independent reading of our MIME, with encoded words and
quoted-printable decoded). The .json appears last and atomically, so its presence means complete.
A file named "reply" in --dir switches the answer to RCPT TO at any moment: "accept" (default),
"tempfail" (451) or "permfail" (550).

  smtp_server.py --dir DIR --port-file FILE [--port N] [--auth USER:PASSWORD] [--tls-cert C --tls-key K]
  smtp_server.py --parse FILE.eml      prints the parsed message as JSON (for .eml files we wrote)
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_message(raw: bytes) -> dict:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    defects = [type(defect).__name__ for part in message.walk() for defect in part.defects]

    def content(part):
        return part.get_content().replace("\r\n", "\n") if part is not None else ""

    return {
        "headers": [[name, str(value)] for name, value in message.items()],
        "from": str(message.get("From", "")),
        "to": str(message.get("To", "")),
        "subject": str(message.get("Subject", "")),
        "content_type": message.get_content_type(),
        "text": content(text),
        "html": content(html),
        "defects": defects,
    }


def write_atomically(path: str, data: bytes) -> None:
    temporary = path + ".tmp"
    with open(temporary, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


class Handler:
    def __init__(self, directory: str, discard: bool = False):
        self.directory = directory
        # Benchmarks: accept and forget, so the figure is the sender's, not this server's parsing.
        self.discard = discard
        # Numbered from what is there (a restarted server goes on), then counted here: listing the
        # directory for every message made a long run slower with each message.
        self.received = sum(1 for name in os.listdir(directory) if name.endswith(".json"))

    def reply_mode(self) -> str:
        try:
            with open(os.path.join(self.directory, "reply")) as f:
                return f.read().strip() or "accept"
        except FileNotFoundError:
            return "accept"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        mode = self.reply_mode()
        if mode == "tempfail":
            return "451 4.3.0 Mailbox busy, try again later (test server)"
        if mode == "permfail":
            return "550 5.1.1 No such user here (test server)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.discard:
            return "250 Message accepted for delivery"
        self.received += 1
        number = self.received
        stem = os.path.join(self.directory, f"{number:06d}")
        raw = envelope.original_content or envelope.content
        write_atomically(stem + ".eml", raw)
        parsed = parse_message(raw)
        parsed["mail_from"] = envelope.mail_from
        parsed["rcpt_to"] = list(envelope.rcpt_tos)
        parsed["authenticated_as"] = session.auth_data.login.decode() if session.authenticated else ""
        parsed["tls"] = session.ssl is not None
        write_atomically(stem + ".json", json.dumps(parsed, ensure_ascii=False).encode("utf-8"))
        return "250 Message accepted for delivery"


def make_authenticator(user: str, password: str):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password:
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)
    return authenticate


async def serve(options) -> None:
    loop = asyncio.get_running_loop()
    handler = Handler(options.dir, options.discard)
    settings = {"hostname": "smtp.test", "data_size_limit": 10 * 1024 * 1024}
    if options.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(options.tls_cert, options.tls_key)
        settings.update(tls_context=context, require_starttls=True)
    if options.auth:
        user, _, password = options.auth.partition(":")
        settings.update(auth_required=True, auth_require_tls=bool(options.tls_cert),
                        authenticator=make_authenticator(user, password))
    server = await loop.create_server(lambda: SMTP(handler, **settings), host="127.0.0.1", port=options.port)
    port = server.sockets[0].getsockname()[1]
    write_atomically(options.port_file, f"{port}\n".encode())
    async with server:
        await server.serve_forever()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir")
    parser.add_argument("--port-file")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--auth", default="")
    parser.add_argument("--tls-cert", default="")
    parser.add_argument("--tls-key", default="")
    parser.add_argument("--parse")
    parser.add_argument("--discard", action="store_true", help="accept messages without keeping them (benchmarks)")
    options = parser.parse_args()
    if options.parse:
        with open(options.parse, "rb") as f:
            json.dump(parse_message(f.read()), sys.stdout, ensure_ascii=False)
        return 0
    if not options.dir or not options.port_file:
        parser.error("--dir and --port-file are required to serve")
    asyncio.run(serve(options))
    return 0


if __name__ == "__main__":
    sys.exit(main())
