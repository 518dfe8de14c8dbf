"""``python -m k8s_validator FILE…``: each FILE holds one manifest or a JSON array of them.

Prints each problem on its own line and exits 1 when there is any, 0 (printing the count) else.
``-`` reads standard input.
"""

import json
import sys

from .validator import validate_all


def main(arguments):
    if not arguments:
        print("usage: python -m k8s_validator FILE... (JSON: one manifest or an array)", file=sys.stderr)
        return 64
    manifests = []
    for path in arguments:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
        document = json.loads(text)
        manifests.extend(document if isinstance(document, list) else [document])
    problems = validate_all(manifests)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"{len(manifests)} manifests valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
