"""Turns a hand-marked file (NAME.txt, values marked [[TYPE|value]]) into NAME.jsonl with
code-point spans. NAME defaults to "handwritten".

    python3 crates/detect/corpus/handwritten.py [fresh]
"""
import json
import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
name = sys.argv[1] if len(sys.argv) > 1 else "handwritten"
source = open(os.path.join(here, f"{name}.txt"), encoding="utf-8").read()
blocks = [b.strip("\n") for b in re.split(r"^---$", "\n".join(l for l in source.splitlines() if not l.startswith("#")), flags=re.M)]
with open(os.path.join(here, f"{name}.jsonl"), "w", encoding="utf-8") as out:
    for index, block in enumerate(b for b in blocks if b.strip()):
        text, spans, pos = "", [], 0
        for match in re.finditer(r"\[\[([A-Z_]+)\|([^\]]+)\]\]", block):
            text += block[pos:match.start()]
            spans.append({"start": len(text), "end": len(text) + len(match.group(2)), "type": match.group(1)})
            text += match.group(2)
            pos = match.end()
        text += block[pos:]
        out.write(json.dumps({"id": f"{name[0]}{index:03d}", "text": text, "contains_personal_data": bool(spans), "spans": spans}, ensure_ascii=False) + "\n")
