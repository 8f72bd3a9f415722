#!/usr/bin/env python3
"""Records what real Flask/Jinja renders for the parity templates of flashkit/nunjucks.

For every template in test/fixtures/flask-templates/*.html and every case below, this flashes the
case's messages inside a Flask request context, renders the template there (so
get_flashed_messages() returns them at once, as in the same request) and writes the exact HTML to
test/fixtures/flask-templates/expected.json. test/templates-flask.express.test.ts renders the same templates
with Nunjucks + installFlash() and asserts byte equality, without needing Python.

Run it with Debian's Flask (python3-flask):

    /usr/bin/python3 scripts/record-flask-templates.py
"""

import json
import pathlib
import sys

import flask
import jinja2
from flask import Flask, flash, render_template

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "test" / "fixtures" / "flask-templates"
EXPECTED = TEMPLATES / "expected.json"

# [category, message] pairs flashed in order, per case.
CASES = {
    "none": [],
    "one-success": [["success", "Profile updated successfully!"]],
    "categories": [
        ["message", "Plain message"],
        ["info", "Heads up"],
        ["warning", "Careful"],
        ["error", "Invalid username or password"],
        ["danger", "Danger zone"],
        ["weird cat", "Odd category"],
        ["success", "Done"],
        ["error", "Second error"],
    ],
    "hostile": [
        ["error", "<img src=x onerror=alert(1)>"],
        ["message", "\"double\" and 'single' quotes"],
        ["info", "Fish & chips &amp; <b>bold</b>"],
        ["success", "ünï 日本 😀"],
        ["warning", "line one\nline two\r\n  indented "],
        ["warning", "back\\slash `tick` {{ not_a_tag }} {% raw %}"],
    ],
    "hostile-category": [
        ['"><script>alert(1)</script>', "category injection"],
        ["error' onmouseover='x", "quote injection"],
    ],
}


def main() -> int:
    app = Flask(__name__, template_folder=str(TEMPLATES))
    app.secret_key = "record-flask-templates"
    names = sorted(p.name for p in TEMPLATES.glob("*.html"))
    rendered = {}
    for name in names:
        rendered[name] = {}
        for case, messages in CASES.items():
            with app.test_request_context("/"):
                for category, message in messages:
                    flash(message, category)
                rendered[name][case] = render_template(name)
    data = {
        "recordedWith": {
            "flask": getattr(flask, "__version__", "unknown"),
            "jinja2": jinja2.__version__,
            "python": sys.version.split()[0],
        },
        "cases": CASES,
        "templates": rendered,
    }
    EXPECTED.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {EXPECTED.relative_to(ROOT)}: {len(names)} templates x {len(CASES)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
