#!/usr/bin/env python3
"""Build samples/sample-learning-review.docx: an invented Learning Review extract for the demo.

Every name, place, number and event in it is invented. It carries personal data where real reports
do: body, a table, the page header and footer, a review comment and the document properties.
"""
from __future__ import annotations

from pathlib import Path

import docx
from docx.shared import Pt

OUT = Path(__file__).resolve().parents[1] / "samples" / "sample-learning-review.docx"

PARAGRAPHS = [
    ("h", "1. Introduction"),
    ("p", ("1.1 This report sets out the learning from a Learning Review commissioned by Dunmarnock Child Protection "
          "Committee about two children, referred to as Child A and Child B.")),
    ("p", ("1.2 Child A, Ayla Robertson, was 22 months old when she was admitted to Dunmarnock Royal Infirmary on "
          "3rd February 2024 with a fractured wrist. Child B, Jayden Robertson, was nine at the time and attended "
          "Castlehill Primary School. The family lived at Flat 3/2, 18 Kelvin Crescent, Dunmarnock DN4 7RP.")),
    ("p", ("1.3 Their mother, Kelly Robertson (CHI 1403925677), was registered with Riverside Medical Practice. "
          "Her partner, Darren Hughes, drove a blue van, registration SN19 XKT, and was known to police under "
          "incident PS-20231118-0456.")),
    ("h", "2. What happened"),
    ("p", ("2.1 On 18/11/2023 police attended after a neighbour reported shouting. Ms Robertson told officers that "
          "Darren had left. The health visitor, Fiona Muir, visited on 21 November 2023 and recorded that Ayla "
          "was thriving.")),
    ("p", ("2.2 The social worker, Ahmed Siddiqui, felt that Ms Robertson was minimising her drinking. "
          "Mother was unable to prioritise the children's needs. Kelly said she intended to move to Glasgow "
          "in the spring.")),
    ("p", "2.3 The Review Team considers that information sharing between the school and health was poor."),
]
TABLE = [("Date", "Agency", "Event"),
         ("14/12/2023", "Education", "Jayden told his teacher, Mrs Lennox, that Darren was \"back\"."),
         ("03/02/2024", "Health", "Ayla seen at the Emergency Department; contact 07700 900456 given by mother.")]


def main() -> None:
    d = docx.Document()
    d.styles["Normal"].font.size = Pt(11)
    d.add_heading("Learning Review: Child A and Child B (sample)", level=0)
    for kind, text in PARAGRAPHS:
        if kind == "h":
            d.add_heading(text, level=1)
        else:
            p = d.add_paragraph()
            # split one name across two runs, as Word does
            if "Fiona Muir" in text:
                a, b = text.split("Fiona Muir", 1)
                p.add_run(a)
                p.add_run("Fiona M")
                p.add_run("uir").bold = True
                p.add_run(b)
            else:
                p.add_run(text)
    table = d.add_table(rows=0, cols=3)
    table.style = "Table Grid"
    for row in TABLE:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value
    section = d.sections[0]
    section.header.paragraphs[0].text = "OFFICIAL-SENSITIVE - Learning Review - Robertson family"
    section.footer.paragraphs[0].text = "Draft prepared by Dr Morven Blair, Lead Reviewer"
    para = d.paragraphs[3]
    d.add_comment(para.runs[0], text="Check the CHI with Fiona Muir before sign-off.", author="Morven Blair",
                  initials="MB")
    props = d.core_properties
    props.author = "Morven Blair"
    props.last_modified_by = "Ahmed Siddiqui"
    props.title = "Learning Review - Robertson"
    props.subject = "Ayla Robertson"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    d.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
