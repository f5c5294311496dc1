# Reads a .docx with python-docx (the way many tools read Word files) and prints what the test checks.
import json, sys
import docx

d = docx.Document(sys.argv[1])
s = d.sections[0]
out = {
    # EMU to twips (635 EMU a twip) by hand: older python-docx (Debian's 0.8.11) and newer agree on EMU.
    "page": [int(s.page_width) // 635, int(s.page_height) // 635],
    "title": d.core_properties.title,
    "paragraphs": [[p.style.name, p.text] for p in d.paragraphs],
    "tables": [[[c.text for c in row.cells] for row in t.rows] for t in d.tables],
    "pictures": len(d.inline_shapes),
    "footer": [p.text for p in s.footer.paragraphs],
}
print(json.dumps(out, ensure_ascii=False))
