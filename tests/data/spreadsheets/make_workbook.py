#!/usr/bin/python3
"""Workbooks written the way spreadsheet programs write them, for the import's tests
(issue 10). Run with Debian's python3-openpyxl: /usr/bin/python3 make_workbook.py ...

  typed HOUSEHOLDS.csv MEMBERS.csv OUT.xlsx
      One workbook, sheets 户表 and 人表, as a clerk types them: a title line and a blank
      row above each header; codes, years and counts as numbers; money as floats carrying a
      double's tail (the next double up: 4287.000000000001, what a formula leaves); dates
      as date cells (yyyy-mm-dd); 是/否 as booleans; ID numbers as text. In the XML, by
      hand: the first household's 工资性收入 becomes a formula with its cached value, and
      the first member's 姓名 an inline rich-text string of two runs.

  merge HOUSEHOLDS.xlsx MEMBERS.xlsx OUT.xlsx
      The first sheet of each (as LibreOffice converted the CSV files: its own cell types
      and number formats) copied, values and formats, into sheets 户表 and 人表.
"""
import csv
import datetime
import math
import re
import sys
import zipfile

import openpyxl

NUMBER_COLUMNS = {"行政区划代码", "识别年度", "脱贫年度", "家庭人口数", "务工月数"}
MONEY_COLUMNS = {"工资性收入", "生产经营性收入", "生产经营性支出", "财产性收入", "转移性收入",
                 "合规自付医疗支出", "教育支出", "灾害损失"}
DATE_COLUMNS = {"出生日期", "纳入监测日期"}


def typed_value(column, text):
    if text == "":
        return None
    if column in NUMBER_COLUMNS:
        return int(text)
    if column in MONEY_COLUMNS:
        value = float(text)
        return math.nextafter(value, math.inf) if value else value
    if column in DATE_COLUMNS:
        return datetime.date.fromisoformat(text)
    if text in ("是", "否"):
        return text == "是"
    return text


def add_sheet(book, title, path):
    sheet = book.create_sheet(title)
    sheet.append([title + "（某某县建档立卡信息，" + title + "）"])
    sheet.append([])
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    sheet.append(header)
    for number, row in enumerate(rows[1:], start=4):
        sheet.append([typed_value(header[i], cell) for i, cell in enumerate(row)])
        for i, cell in enumerate(row):
            if header[i] in DATE_COLUMNS and cell:
                sheet.cell(row=number, column=i + 1).number_format = "yyyy-mm-dd"
    return header


def column_letter(index):
    return openpyxl.utils.get_column_letter(index + 1)


def typed(households, members, out):
    book = openpyxl.Workbook()
    book.remove(book.active)
    h_header = add_sheet(book, "户表", households)
    m_header = add_sheet(book, "人表", members)
    wage = book["户表"].cell(row=4, column=h_header.index("工资性收入") + 1)
    cached = wage.value
    wage.value = "=%r*1" % float(cached)
    book.save(out)

    # Sheet 1 is 户表, sheet 2 人表 (openpyxl writes them in order).
    wage_ref = column_letter(h_header.index("工资性收入")) + "4"
    name_ref = column_letter(m_header.index("姓名")) + "4"
    with zipfile.ZipFile(out) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet1 = parts["xl/worksheets/sheet1.xml"].decode()
    sheet1, n = re.subn(r'(<c r="%s"[^>]*>)<f>([^<]*)</f><v\s*/?>(</v>)?' % wage_ref,
                        lambda m: m.group(1) + "<f>" + m.group(2) + "</f><v>" + repr(cached) +
                        "</v>", sheet1)
    assert n == 1, "formula cell not found"
    parts["xl/worksheets/sheet1.xml"] = sheet1.encode()
    sheet2 = parts["xl/worksheets/sheet2.xml"].decode()
    with open(members, encoding="utf-8-sig", newline="") as f:
        name = list(csv.reader(f))[1][m_header.index("姓名")]
    rich = ('<c r="%s" t="inlineStr"><is><r><rPr><b/></rPr><t>%s</t></r><r><t>%s</t></r></is></c>'
            % (name_ref, name[:1], name[1:]))
    sheet2, n = re.subn(r'<c r="%s"[^>]*>.*?</c>' % name_ref, rich, sheet2)
    assert n == 1, "name cell not found"
    parts["xl/worksheets/sheet2.xml"] = sheet2.encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def merge(households, members, out):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, path in (("户表", households), ("人表", members)):
        source = openpyxl.load_workbook(path).worksheets[0]
        sheet = book.create_sheet(title)
        for row in source.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                target = sheet.cell(row=cell.row, column=cell.column, value=cell.value)
                target.number_format = cell.number_format
                target.data_type = cell.data_type
    book.save(out)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    {"typed": typed, "merge": merge}[mode](*args)
