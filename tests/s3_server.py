"""A real S3 API server for Zegel's tests (moto, from PyPI: pip install 'moto[server]').

Usage: python3 s3_server.py — binds a free port on 127.0.0.1, prints it as the first line on
stdout and serves until its stdin closes (so it never outlives the test process).
"""
import sys

from moto.server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
