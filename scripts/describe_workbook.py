#!/usr/bin/python3
"""Describes an XLSX workbook as openpyxl (an independent reader) sees it, one fact a line,
for tests that check what fupin writes:

  sheet NAME STATE                      (visible, hidden, veryHidden)
  freeze NAME CELL                      (the top-left cell of the unfrozen pane)
  filter NAME RANGE                     (the autofilter)
  width NAME COLUMN WIDTH               (columns with a width set)
  validation NAME RANGE TYPE FORMULA1 ERRORSTYLE
  cell NAME CELL TYPE FORMAT VALUE      (TYPE: s string, n number, d date, b boolean)

Run it with Debian's python3-openpyxl: /usr/bin/python3 scripts/describe_workbook.py BOOK.xlsx
"""
import sys

import openpyxl
from openpyxl.utils import get_column_letter


def main(path):
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        name = sheet.title
        print("sheet", name, sheet.sheet_state)
        if sheet.freeze_panes:
            print("freeze", name, sheet.freeze_panes)
        if sheet.auto_filter.ref:
            print("filter", name, sheet.auto_filter.ref)
        for key, dim in sorted(sheet.column_dimensions.items()):
            if dim.width and dim.customWidth:
                for index in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
                    print("width", name, get_column_letter(index), round(dim.width, 2))
        for dv in sheet.data_validations.dataValidation:
            # errorStyle is absent for the default, stop.
            print("validation", name, str(dv.sqref), dv.type, dv.formula1, dv.errorStyle or "stop")
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                print("cell", name, cell.coordinate, cell.data_type, cell.number_format,
                      cell.value)


if __name__ == "__main__":
    main(sys.argv[1])
