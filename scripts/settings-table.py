#!/usr/bin/env python3
"""The table of every `paisa` setting in docs/configuration.md, written from the declarations `paisa settings`
prints. Without --check it rewrites the table between its markers; with --check it fails if the page differs.

    scripts/settings-table.py [--check] [--bin DIR]
"""

import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "docs", "configuration.md")
BEGIN = "<!-- settings:begin"
END = "<!-- settings:end -->"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug"))
    arguments = parser.parse_args()
    table = subprocess.run([os.path.join(arguments.bin, "paisa"), "settings"], check=True, capture_output=True,
                           text=True).stdout.strip()
    with open(PAGE) as page:
        text = page.read()
    start = text.index(BEGIN)
    start = text.index("\n", start) + 1
    end = text.index(END)
    updated = text[:start] + table + "\n" + text[end:]
    if arguments.check:
        if updated != text:
            print("docs/configuration.md: the settings table is out of date: run scripts/settings-table.py")
            return 1
        return 0
    with open(PAGE, "w") as page:
        page.write(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
