"""One line that changes when any file of a package does: `make try` compares the checkout with what
each IRIS container has installed, and runs `make install` only when they differ.

    python package_digest.py PACKAGE [FOLDER]

FOLDER holds the package's source (the project's root); without it, the installed package is read
(found without being imported, so a module that fails to import still gets a digest).
"""

import hashlib
import importlib.util
import sys
from pathlib import Path


def digest(folder):
    total = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            total.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return total.hexdigest()


def main(argv):
    package = argv[0]
    if len(argv) > 1:
        folder = Path(argv[1]) / package
    else:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            print("not installed")
            return 0
        folder = Path(list(spec.submodule_search_locations)[0])
    print(digest(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
