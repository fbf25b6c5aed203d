"""A real SMTP server for Zegel's tests (aiosmtpd).

Stores every accepted message as DIR/NNNNNN.eml, numbered in arrival order, and answers
250 only after the file is in place. Usage: python3 smtp_sink.py PORT DIR — with PORT 0 the
system picks a free port; the port in use is printed as the first line on stdout.
"""
import asyncio
import os
import sys

from aiosmtpd.smtp import SMTP


class NumberedMaildir:
    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.count = len([n for n in os.listdir(directory) if n.endswith(".eml")])

    async def handle_DATA(self, server, session, envelope):
        path = os.path.join(self.directory, f"{self.count:06d}.eml")
        self.count += 1
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".tmp", path)
        return "250 OK"


async def main(port, directory):
    handler = NumberedMaildir(directory)
    loop = asyncio.get_running_loop()
    # Bound by the server itself: with port 0 the system picks a free one, so parallel tests
    # can never end up sharing a sink.
    server = await loop.create_server(lambda: SMTP(handler), host="127.0.0.1", port=port)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
