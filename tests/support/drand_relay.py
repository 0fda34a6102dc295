"""A drand relay for tests: the HTTP API of a drand node (`/{chain}/info`, `/{chain}/public/{round}`)
for a chain signed with a test key, so the service's drand client and the auditor run against a real
HTTP peer on loopback (the League of Entropy's relays are not reachable from tests).

Rounds follow the clock as on a real network: round r is published at genesis + (r - 1) * period,
and asking for a later one is answered 425 Too Early. The signatures are real BLS signatures
(scheme bls-unchained-g1-rfc9380) made with py_ecc.

    python -m tests.support.drand_relay --port 8765 --secret 12345 --genesis 1700000000 --period 1
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from py_ecc.bls.g2_primitives import G1_to_pubkey, G2_to_signature
from py_ecc.bls.hash_to_curve import hash_to_G1
from py_ecc.optimized_bls12_381 import G2, multiply

from bailiff.assignment.drand import DST, SCHEME, round_message


def public_key(secret: int) -> bytes:
    """The chain's G2 public key, compressed (96 bytes)."""
    return G2_to_signature(multiply(G2, secret))  # G2 point compression, as drand publishes it


def sign(secret: int, round_: int) -> bytes:
    """The round's G1 signature, compressed (48 bytes)."""
    return G1_to_pubkey(multiply(hash_to_G1(round_message(round_), DST, hashlib.sha256), secret))


def chain_hash(secret: int) -> str:
    """This test chain's name (drand hashes its chain info; any fixed value serves a test)."""
    return hashlib.sha256(b"test-chain" + public_key(secret)).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", type=int, required=True)
    parser.add_argument("--genesis", type=int, required=True)
    parser.add_argument("--period", type=int, default=1)
    args = parser.parse_args()
    name, key = chain_hash(args.secret), public_key(args.secret)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            parts = self.path.strip("/").split("/")
            if parts[:1] != [name]:
                return self._send(404, {"error": "unknown chain"})
            if parts[1:] == ["info"]:
                return self._send(200, {"public_key": key.hex(), "period": args.period, "genesis_time": args.genesis,
                                        "hash": name, "schemeID": SCHEME})
            if len(parts) == 3 and parts[1] == "public" and parts[2].isdigit():
                round_ = int(parts[2])
                if time.time() < args.genesis + (round_ - 1) * args.period:
                    return self._send(425, {"error": "round not published yet"})
                signature = sign(args.secret, round_)
                return self._send(200, {"round": round_, "signature": signature.hex(),
                                        "randomness": hashlib.sha256(signature).hexdigest()})
            return self._send(404, {"error": "not found"})

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: object) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
