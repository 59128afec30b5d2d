#!/usr/bin/env python3
"""Build step: docs/openapi.yaml (the one source of the API description) -> a C source
holding it as compact JSON, served by ordertrackd at GET /openapi.json.

    openapi_embed.py docs/openapi.yaml OUT.c

Needs PyYAML (Debian python3-yaml, installed by scripts/setup)."""
import json
import sys

import yaml


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 64
    src, out = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3.1."):
        print("%s: not an OpenAPI 3.1 document" % src, file=sys.stderr)
        return 65
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    lines = []
    for i in range(0, len(data), 16):
        lines.append("    " + ", ".join("0x%02x" % b for b in data[i:i + 16]) + ",")
    with open(out, "w", encoding="ascii") as f:
        f.write("/* Generated from %s by openapi_embed.py: do not edit. */\n"
                "#include \"openapi_json.h\"\n\n"
                "const char otd_openapi_json[] = {\n%s\n    0x00};\n"
                "const size_t otd_openapi_json_len = %d;\n"
                % (src.rsplit("/", 1)[-1], "\n".join(lines), len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
