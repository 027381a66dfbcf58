#!/usr/bin/env python3
"""Writes docs/api-reference.md from docs/openapi.json.

    python3 scripts/api-reference.py          # rewrite the page
    python3 scripts/api-reference.py --check  # exit 1 when the page is not what the document gives

Python 3 standard library only. The page is derived entirely from the document: change the document, then run
this script; never edit the page by hand.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCUMENT = os.path.join(ROOT, "docs", "openapi.json")
PAGE = os.path.join(ROOT, "docs", "api-reference.md")
BASE_URL = "http://127.0.0.1:8080"
METHODS = ["get", "post", "put", "patch", "delete"]
# The resources, in reading order; every other response schema follows them as a nested object.
RESOURCES = ["payment_intent", "charge", "refund", "customer", "deleted_customer", "balance_transaction", "balance",
             "account", "event", "webhook_endpoint", "deleted_webhook_endpoint", "payment_intent_list", "charge_list",
             "refund_list", "customer_list", "balance_transaction_list", "event_list", "webhook_endpoint_list",
             "charge_search_result", "payment_intent_search_result", "customer_search_result", "error",
             "error_object"]


class Document:
    def __init__(self, data):
        self.data = data
        self.objects = RESOURCES + sorted(self.nested_schemas() - set(RESOURCES))

    def nested_schemas(self):
        """Every schema a response reaches through `$ref`s."""
        found = set()

        def walk(node):
            if isinstance(node, dict):
                name = schema_name(node)
                if name and name not in found:
                    found.add(name)
                    walk(self.pointer(node["$ref"]))
                for key, value in node.items():
                    if key not in ("examples", "example"):
                        walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        for item in self.data["paths"].values():
            for operation in item.values():
                walk(operation.get("responses", {}))
        walk(self.data["components"]["responses"])
        return found

    def pointer(self, reference):
        node = self.data
        for token in reference[2:].split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            node = self.pointer(node["$ref"])
        return node


def schema_name(node):
    ref = node.get("$ref", "") if isinstance(node, dict) else ""
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


def object_link(name):
    return "[`%s`](#object-%s)" % (name, name.replace("_", "-"))


def type_text(doc, schema):
    """A short, readable type: `string or null`, `array of charge`, `one of a, b`."""
    name = schema_name(schema)
    if name:
        if name in doc.objects:
            return object_link(name)
        return type_text(doc, doc.resolve(schema))
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            return " or ".join(type_text(doc, option) for option in schema[keyword])
    types = schema.get("type")
    types = types if isinstance(types, list) else [types] if types else []
    words = []
    for kind in types:
        if kind == "array":
            words.append("array of " + type_text(doc, schema.get("items", {})))
        elif kind == "object" and isinstance(schema.get("additionalProperties"), dict):
            words.append("object of " + type_text(doc, schema["additionalProperties"]) + "s")
        else:
            words.append(kind)
    text = " or ".join(words) or "any"
    if "enum" in schema:
        text += ": " + ", ".join("`%s`" % (json.dumps(v) if v is None or isinstance(v, bool) or v == "" else v)
                                 for v in schema["enum"])
    return text


def cell(text):
    return (text or "").replace("\n\n", " ").replace("\n", " ").replace("|", "\\|")


def fields_table(doc, schema, extra_note=None):
    schema = doc.resolve(schema)
    required = set(schema.get("required", []))
    rows = ["| field | type | description |", "|---|---|---|"]
    for name, prop in schema.get("properties", {}).items():
        description = prop.get("description") or doc.resolve(prop).get("description", "")
        if name not in required:
            description = "Optional. " + description if extra_note is None else extra_note(name, description)
        rows.append("| `%s` | %s | %s |" % (name, cell(type_text(doc, prop)), cell(description)))
    return rows


def request_fields(doc, schema):
    schema = doc.resolve(schema)
    required = set(schema.get("required", []))
    rows = ["| parameter | type | required | description |", "|---|---|---|---|"]
    for name, prop in schema.get("properties", {}).items():
        rows.append("| `%s` | %s | %s | %s |" % (
            name, cell(type_text(doc, prop)), "yes" if name in required else "no", cell(prop.get("description"))))
    return rows


def flatten(value, prefix=""):
    """A JSON request example as form pairs, with Rack brackets."""
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            pairs += flatten(item, "%s[%s]" % (prefix, key) if prefix else key)
        return pairs
    if isinstance(value, list):
        # A form schema names its lists as sent (`expand[]`); a JSON one does not (`expand`).
        name = prefix if prefix.endswith("[]") else prefix + "[]"
        return [pair for item in value for pair in flatten(item, name)]
    if isinstance(value, bool):
        return [(prefix, "true" if value else "false")]
    return [(prefix, str(value))]


def example_value(content):
    examples = content.get("examples") or {}
    for example in examples.values():
        return example.get("value")
    return content.get("example")


def concrete_path(template, response_example):
    """The template with `{id}` replaced by an id from the operation's example answer."""
    if "{id}" not in template:
        return template
    sample = response_example or {}
    if sample.get("object") == "list":
        item = (sample.get("data") or [{}])[0]
        identifier = item.get("charge") if template.endswith("/refunds") else item.get("id")
    else:
        identifier = sample.get("id")
    return template.replace("{id}", identifier or "ID")


def curl(doc, method, template, operation, ok_example):
    path = concrete_path(template, ok_example)
    if "security" in operation and operation["security"] == []:
        return ['curl %s%s' % (BASE_URL, path)]
    lines = []
    query = ""
    if method == "get" and ok_example and ok_example.get("object") == "list":
        query = "?limit=3"
    url = BASE_URL + path + query
    lines.append(('curl "%s"' if query else "curl %s") % url + ' -u "$KEY:"')
    if method == "get":
        # A required query parameter (a search's `query`) is sent with its example, encoded by curl.
        for parameter in operation.get("parameters", []):
            parameter = doc.resolve(parameter)
            if parameter.get("in") == "query" and parameter.get("required") and "example" in parameter:
                lines.append("  -G --data-urlencode '%s=%s'" % (parameter["name"], parameter["example"]))
    if method == "post":
        lines.append('  -H "Idempotency-Key: $(uuidgen)"')
        body = doc.resolve(operation.get("requestBody", {}))
        form = body.get("content", {}).get("application/x-www-form-urlencoded", {})
        pairs = flatten(example_value(form) or {})
        flags = []
        for name, value in pairs:
            plain = all(c.isalnum() or c in "_-.@" for c in value)
            if plain:
                argument = "%s=%s" % (name, value)
                flags.append(("-d " + ('"%s"' % argument if "[" in name else argument)))
            else:
                flags.append('--data-urlencode "%s=%s"' % (name, value.replace('"', '\\"')))
        if flags:
            lines.append("  " + " ".join(flags))
        elif lines:
            lines[0] += " -X POST"
    elif method != "get":
        lines[0] += " -X " + method.upper()
    return [line + (" \\" if index < len(lines) - 1 else "") for index, line in enumerate(lines)]


def operation_anchor(operation):
    return "op-" + operation["operationId"].lower()


def render_operation(doc, method, template, operation):
    out = []
    out.append('<a id="%s"></a>' % operation_anchor(operation))
    out.append("### %s" % operation["summary"])
    out.append("")
    out.append("`%s %s`" % (method.upper(), template))
    out.append("")
    out.append(operation.get("description", "").strip())
    out.append("")
    parameters = [doc.resolve(p) for p in operation.get("parameters", [])]
    if parameters:
        out.append("#### Parameters")
        out.append("")
        out.append("| name | in | type | required | description |")
        out.append("|---|---|---|---|---|")
        for parameter in parameters:
            out.append("| `%s` | %s | %s | %s | %s |" % (
                parameter["name"], parameter["in"], cell(type_text(doc, parameter.get("schema", {}))),
                "yes" if parameter.get("required") else "no", cell(parameter.get("description"))))
        out.append("")
    body = doc.resolve(operation.get("requestBody", {}))
    if body:
        media = body.get("content", {})
        schema = next(iter(media.values()))["schema"]
        out.append("#### Body")
        out.append("")
        out.append("%s (%s)" % (body.get("description", ""), ", ".join("`%s`" % m for m in media)))
        out.append("")
        out += request_fields(doc, schema)
        out.append("")
    out.append("#### Responses")
    out.append("")
    out.append("| status | meaning | body |")
    out.append("|---|---|---|")
    ok_example = None
    errors = []
    for status, response in operation.get("responses", {}).items():
        if "$ref" in response and response["$ref"].startswith("#/components/responses/"):
            errors.append(status)
            continue
        response = doc.resolve(response)
        content = response.get("content", {})
        if content:
            media_type, media = next(iter(content.items()))
            kind = type_text(doc, media.get("schema", {})) if media_type == "application/json" else "`%s`" % media_type
            if status.startswith("2") and ok_example is None and media_type == "application/json":
                ok_example = example_value(media)
        else:
            kind = ""
        out.append("| %s | %s | %s |" % (status, cell(response.get("description", "")), kind))
    out.append("")
    if errors:
        out.append("Errors: %s, each an [`error`](#object-error) object (see [Errors](#errors) and the "
                   "[error reference](errors.md))." % ", ".join("[%s](#status-%s)" % (s, s) for s in errors))
        out.append("")
    out.append("#### Example")
    out.append("")
    out.append("```sh")
    out += curl(doc, method, template, operation, ok_example)
    out.append("```")
    out.append("")
    if ok_example is not None and template != "/v1/openapi.json":
        out.append("```json")
        out.append(json.dumps(ok_example, indent=2, ensure_ascii=False))
        out.append("```")
        out.append("")
    return out


def render(doc):
    data = doc.data
    info = data["info"]
    out = [
        "# API reference",
        "",
        "<!-- Generated from docs/openapi.json by scripts/api-reference.py: do not edit by hand. -->",
        "",
        "Generated from [`docs/openapi.json`](openapi.json) (OpenAPI 3.1, also served at `GET /v1/openapi.json`) "
        "by `scripts/api-reference.py`. To change this page, change the document and run "
        "`python3 scripts/api-reference.py`; `python3 scripts/api-reference.py --check` fails when the page is out "
        "of date.",
        "",
        "%s, API version `%s`." % (info["title"], info["version"]),
        "",
        info["description"].strip(),
        "",
        "The examples use a test key in `KEY` (`KEY=$(make -s key)`) and a fresh `Idempotency-Key` for each "
        "`POST` (`uuidgen` comes with Debian's `uuid-runtime`; any unique string will do). Resend a `POST` with the "
        "same key to see a replay.",
        "",
        "## Endpoints",
        "",
        "| method | path | what it does |",
        "|---|---|---|",
    ]
    tags = [tag["name"] for tag in data.get("tags", [])]
    grouped = {tag: [] for tag in tags}
    for template, item in data["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                grouped.setdefault(operation["tags"][0], []).append((method, template, operation))
    for tag in grouped:
        for method, template, operation in grouped[tag]:
            out.append("| %s | [`%s`](#%s) | %s |" % (
                method.upper(), template, operation_anchor(operation), cell(operation["summary"])))
    out.append("")
    descriptions = {tag["name"]: tag.get("description", "") for tag in data.get("tags", [])}
    for tag, operations in grouped.items():
        out.append("## %s" % tag)
        out.append("")
        if descriptions.get(tag):
            out.append(descriptions[tag])
            out.append("")
        for method, template, operation in operations:
            out += render_operation(doc, method, template, operation)
    out.append("## Objects")
    out.append("")
    out.append("Fields are listed in the order the server writes them. Every field is always present unless the "
               "table says otherwise; `null` appears only where the type says so.")
    out.append("")
    schemas = data["components"]["schemas"]

    def note(name, description):
        if name == "refunds":
            return description
        return "Present only when it applies. " + description

    for name in doc.objects:
        if name not in RESOURCES and name == doc.objects[len(RESOURCES)]:
            out.append("### Nested objects")
            out.append("")
            out.append("The objects that appear inside the resources above.")
            out.append("")
        schema = schemas[name]
        out.append('<a id="object-%s"></a>' % name.replace("_", "-"))
        out.append("%s `%s`" % ("###" if name in RESOURCES else "####", name))
        out.append("")
        out.append(schema.get("description", ""))
        out.append("")
        if "properties" in schema:
            out += fields_table(doc, schema, note)
            out.append("")
        elif "oneOf" in schema or "anyOf" in schema:
            out.append("One of: " + ", ".join(type_text(doc, option) for option in schema.get("oneOf", schema.get("anyOf"))) + ".")
            out.append("")
        else:
            out.append("Type: %s." % type_text(doc, schema))
            out.append("")
        for prop_name, prop in schema.get("properties", {}).items():
            if prop.get("type") == "object" and "properties" in prop:
                out.append("`%s.%s`:" % (name, prop_name))
                out.append("")
                out += fields_table(doc, prop, note)
                out.append("")
    out.append("## Errors")
    out.append("")
    out.append("Every error is an [`error`](#object-error) object. The statuses, and the codes each can carry "
               "(one section per code in the [error reference](errors.md)):")
    out.append("")
    out.append("| status | meaning |")
    out.append("|---|---|")
    responses = data["components"]["responses"]
    by_status = {}
    for operation_item in data["paths"].values():
        for operation in operation_item.values():
            for status, response in operation.get("responses", {}).items():
                if "$ref" in response:
                    by_status[status] = response["$ref"].rsplit("/", 1)[-1]
    for status, ref in data.get("x-paisa-unmatched-responses", {}).items():
        by_status.setdefault(status, ref["$ref"].rsplit("/", 1)[-1])
    for status in sorted(by_status):
        out.append('| <a id="status-%s"></a>%s | %s |' % (status, status, cell(responses[by_status[status]]["description"])))
    out.append("")
    out.append("Errors also carry `Request-Id` and `Stripe-Version`; 409 and 503 carry `Retry-After`, 405 carries "
               "`Allow`, and errors worth retrying say `Stripe-Should-Retry: true`.")
    out.append("")
    return "\n".join(out).rstrip() + "\n"


def main():
    with open(DOCUMENT, encoding="utf-8") as handle:
        doc = Document(json.load(handle))
    page = render(doc)
    if "--check" in sys.argv[1:]:
        with open(PAGE, encoding="utf-8") as handle:
            current = handle.read()
        if current != page:
            sys.stderr.write("docs/api-reference.md is out of date: run python3 scripts/api-reference.py\n")
            return 1
        return 0
    with open(PAGE, "w", encoding="utf-8") as handle:
        handle.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
