#!/usr/bin/env python3
"""Checks that every target of Package.swift declares exactly what its files import.

`swift build --explicit-target-dependency-import-check error` (scripts/test.sh) fails on an import
of another Berth target that is not declared; this script covers what it does not: imports of
other packages' products that are not declared, declared dependencies nothing imports (which
link code, GRDB for one, into executables that never use it), and the dependencies the README's
module table forbids (FORBIDDEN), such as the generated client and server depending on each other.

Usage: scripts/check-target-dependencies.py [PACKAGE_DUMP.json]
Without an argument it runs `swift package dump-package` itself. Exits 1 and names each target
and module that disagree. A product is matched by its name, which is its module's name for every
product Berth uses; system modules (Foundation, Glibc, …) need no declaration.
"""
import glob
import json
import os
import re
import subprocess
import sys

# Dependencies the README's module table forbids, by target: the client and the server share the
# generated types (BerthAPITypes) and never depend on each other; the types depend on BerthCore only.
FORBIDDEN = {
    "BerthAPITypes": {"BerthClient", "BerthControlPlane", "BerthStore", "BerthRouter", "Hummingbird"},
    "BerthAPIServer": {"BerthClient", "BerthControlPlane", "BerthStore", "BerthRouter", "Hummingbird"},
    "BerthClient": {"BerthAPIServer", "BerthControlPlane", "BerthStore", "BerthRouter", "BerthBackends", "Hummingbird"},
    "BerthControlPlane": {"BerthClient", "BerthRouter"},
    "BerthRouter": {"BerthStore", "BerthControlPlane", "BerthBackends", "BerthKubernetes", "BerthClient"},
}
SYSTEM_MODULES = {"CDispatch", "CoreFoundation", "Darwin", "Dispatch", "Foundation", "Glibc", "Musl", "Synchronization", "Testing", "XCTest"}
IMPORT = re.compile(
    r"^\s*(?:@testable |@preconcurrency |@_spi\(\w+\) )*(?:public |package |internal |private |fileprivate )?"
    r"import (?:struct |enum |class |protocol |func |var |typealias )?([A-Z]\w*)"
)


def main() -> int:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as file:
            package = json.load(file)
    else:
        dump = subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True, capture_output=True, text=True)
        package = json.loads(dump.stdout)
    problems = []
    for target in sorted(package["targets"], key=lambda target: target["name"]):
        name = target["name"]
        path = target.get("path") or ("Tests/" if target["type"] == "test" else "Sources/") + name
        imports: dict[str, str] = {}
        folders = [os.path.join(root, path, source) for source in target.get("sources") or [""]]
        excluded = [os.path.join(root, path, item) for item in target.get("exclude") or []]
        files = [file for folder in folders for file in glob.glob(os.path.join(folder, "**", "*.swift"), recursive=True)]
        files += [folder for folder in folders if folder.endswith(".swift")]
        files = [file for file in files if not any(file == item or file.startswith(item + os.sep) for item in excluded)]
        for file in sorted(set(files)):
            with open(file) as source:
                for line in source:
                    match = IMPORT.match(line)
                    if match and match.group(1) not in SYSTEM_MODULES:
                        imports.setdefault(match.group(1), os.path.relpath(file, root))
        declared = set()
        for dependency in target["dependencies"]:
            for kind in ("byName", "target", "product"):
                if kind in dependency:
                    declared.add(dependency[kind][0])
        for module in sorted(set(imports) - declared):
            problems.append(f"{name}: imports {module} ({imports[module]}) without declaring it in Package.swift")
        for module in sorted(declared - set(imports)):
            problems.append(f"{name}: declares {module}, which none of its files imports")
        for module in sorted(declared & FORBIDDEN.get(name, set())):
            problems.append(f"{name}: depends on {module}, which the README's module table forbids")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
