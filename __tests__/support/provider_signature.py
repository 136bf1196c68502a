"""The provider's published verification sample, used as the reference that
the package's signatures must agree with.

Reads a JSON list of {"secret", "body_base64", "signature"?} from stdin and
prints a JSON list of {"signature", "verified"}: the signature computed the
provider's way, and whether the given signature (when present) verifies.
"""
import base64
import hashlib
import hmac
import json
import sys


def compute_signature(secret, body):
    computed_hmac = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(computed_hmac).decode("utf-8")


def verify_signature(secret, body, received_signature) -> bool:
    computed_signature = compute_signature(secret, body)
    return hmac.compare_digest(computed_signature, received_signature)


results = []
for case in json.load(sys.stdin):
    body = base64.b64decode(case["body_base64"])
    signature = case.get("signature")
    results.append(
        {
            "signature": compute_signature(case["secret"], body),
            "verified": None
            if signature is None
            else verify_signature(case["secret"], body, signature),
        }
    )
json.dump(results, sys.stdout)
