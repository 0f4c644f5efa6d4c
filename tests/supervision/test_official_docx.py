"""The official-document conventions shared by the weekly bulletin and the on-site office's
minutes (src/pingyi/supervision/official_docx.py): a document made with them names its
Chinese fonts with no theme font left to override them, declares zh-CN and the GB2312 font
table, numbers its pages with a PAGE field, and its tables repeat their header."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.shared import Mm

from pingyi.supervision import official_docx


def _made(*, fixed: bool) -> bytes:
    doc = Document()
    official_docx.styles(doc)
    official_docx.page_number(doc.sections[0])
    doc.add_heading("一、标题", level=1)
    official_docx.para(doc, "第一行\n第二行")
    official_docx.table(
        doc, ["甲", "乙"], [["1", "二"]], [20.0, 40.0], size=10.5, line_spacing=18, fixed=fixed
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_every_style_names_its_chinese_font_and_no_theme_font_wins() -> None:
    doc = Document(io.BytesIO(_made(fixed=False)))
    for name, east_asia in (
        ("Normal", "仿宋_GB2312"),
        ("Title", "黑体"),
        ("Heading 1", "黑体"),
        ("Heading 2", "黑体"),
    ):
        xml = doc.styles[name].element.xml
        assert f'w:eastAsia="{east_asia}"' in xml and 'w:ascii="Times New Roman"' in xml, name
        # python-docx's template gives the headings majorEastAsia …: it would win
        assert "Theme=" not in xml and "w:cstheme" not in xml, name
    assert 'w:eastAsia="zh-CN"' in doc.settings.element.xml
    assert "w:pBdr" not in doc.styles["Title"].element.xml
    with zipfile.ZipFile(io.BytesIO(_made(fixed=False))) as archive:
        fonts = archive.read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>' in fonts
    assert '<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:charset w:val="86"/>' in fonts


def test_the_footer_page_field_paragraphs_and_table() -> None:
    doc = Document(io.BytesIO(_made(fixed=True)))
    footer = doc.sections[0].footer
    assert footer.paragraphs[0].text.startswith("第 ") and footer.paragraphs[0].text.endswith(" 页")
    assert " PAGE " in footer._element.xml and 'w:fldCharType="end"' in footer._element.xml
    lines = [p for p in doc.paragraphs if p.text in ("第一行", "第二行")]
    assert len(lines) == 2 and all(p.paragraph_format.first_line_indent for p in lines)
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["甲", "乙"]
    assert [c.text for c in table.rows[1].cells] == ["1", "二"]
    assert '<w:tblHeader w:val="true"/>' in table.rows[0]._tr.xml
    assert 'w:eastAsia="黑体"' in table.rows[0].cells[0]._tc.xml
    assert table.rows[1].cells[1].paragraphs[0].runs[0].font.size.pt == 10.5
    # fixed: the grid carries the widths too and autofit is off
    assert [round(c.width / Mm(1)) for c in table.columns] == [20, 40]
    assert table.autofit is False
    assert Document(io.BytesIO(_made(fixed=False))).tables[0].autofit is True
