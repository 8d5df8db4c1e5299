"""What the peer's checkers share: reading a GraphQL answer that must hold no errors."""
import json


def load(path):
    """The `data` of the GraphQL answer stored at `path`; fails the run on any error."""
    with open(path) as f:
        document = json.load(f)
    if document.get("errors"):
        raise SystemExit(f"FAIL: {path} holds GraphQL errors: {document['errors']}")
    return document["data"]
