//! Sheets in and out of office files: XLSX (one sheet per kind, bold frozen header, column
//! widths that fit Chinese text, days as real dates) and CSV (UTF-8 with a BOM, which Excel
//! needs to open Chinese text correctly).

use std::path::Path;

use anyhow::Result;
use calamine::{Data, Reader as _};
use gridbook_model::ledger::Cell;
use gridbook_model::time::Day;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::error::{CliError, Doing as _, Step};
use crate::text::width;

/// A table to write: a sheet of one kind of record.
#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    /// The sheet's name (Excel allows 31 characters).
    pub name: &'static str,
    /// Column headers.
    pub headers: Vec<&'static str>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<Cell>>,
}

/// The byte-order mark Excel looks for to read a CSV file as UTF-8.
const BOM: &str = "\u{feff}";

/// The widest a column gets, in Excel's character units; longer text wraps out of sight.
const MAX_WIDTH: usize = 60;

/// Sheets as one XLSX workbook, in memory (so an encrypted export never touches the disk in
/// the clear).
pub(crate) fn xlsx_bytes(sheets: &[Sheet]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet.name)?;
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(0, col(c), *h, &bold)?;
        }
        let mut widths: Vec<usize> = sheet.headers.iter().map(|h| width(h)).collect();
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).doing(Step::WriteSheet)?;
            for (c, cell) in row.iter().enumerate() {
                let w = match cell {
                    Cell::Empty => 0,
                    Cell::Text(s) => {
                        ws.write_string(r, col(c), s)?;
                        width(s)
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, col(c), *n)?;
                        n.to_string().len()
                    }
                    Cell::Day(d) => {
                        let d = d.0;
                        let when = ExcelDateTime::from_ymd(
                            u16::try_from(d.year()).unwrap_or(1900),
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        ws.write_datetime_with_format(r, col(c), &when, &date)?;
                        10
                    }
                };
                widths[c] = widths[c].max(w);
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(col(c), (w + 2).min(MAX_WIDTH) as f64)?;
        }
        ws.set_freeze_panes(1, 0)?;
        if !sheet.rows.is_empty() {
            ws.autofilter(
                0,
                0,
                sheet.rows.len() as u32,
                col(sheet.headers.len().saturating_sub(1)),
            )?;
        }
    }
    Ok(book.save_to_buffer()?)
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// One sheet as CSV, UTF-8 with a BOM, in memory.
pub(crate) fn csv_bytes(sheet: &Sheet) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(BOM.as_bytes().to_vec());
    w.write_record(&sheet.headers)?;
    for row in &sheet.rows {
        w.write_record(row.iter().map(ToString::to_string))?;
    }
    Ok(w.into_inner()
        .map_err(|e| e.into_error())
        .doing(Step::WriteSheet)?)
}

/// A sheet read back: its header cells and the text of each row, with the sheet row number of
/// each (the header is row 1, as Excel shows it).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReadSheet {
    /// The header row.
    pub headers: Vec<String>,
    /// Rows with their sheet row numbers; rows with no text at all are left out.
    pub rows: Vec<(usize, Vec<String>)>,
}

impl ReadSheet {
    /// The position of each of `columns` that the header has.
    pub(crate) fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.trim() == name)
    }
}

/// Reads the sheet of an XLSX workbook named `preferred` (else its first sheet), or a CSV file.
pub(crate) fn read(path: &Path, xlsx: bool, preferred: &str) -> Result<ReadSheet> {
    let grid: Vec<(usize, Vec<String>)> = if xlsx {
        read_xlsx(path, preferred)?
    } else {
        read_csv(path)?
    };
    let mut rows = grid.into_iter();
    let Some((_, headers)) = rows.next() else {
        return Err(CliError::EmptySheet(path.to_path_buf()).into());
    };
    Ok(ReadSheet {
        headers,
        rows: rows
            .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
            .collect(),
    })
}

fn read_csv(path: &Path) -> Result<Vec<(usize, Vec<String>)>> {
    let bytes = std::fs::read(path).doing(Step::Read(path.to_path_buf()))?;
    let text = std::str::from_utf8(&bytes).doing(Step::NotUtf8(path.to_path_buf()))?;
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.doing(Step::CsvRow {
            path: path.to_path_buf(),
            row: i + 1,
        })?;
        out.push((i + 1, record.iter().map(str::to_string).collect()));
    }
    Ok(out)
}

fn read_xlsx(path: &Path, preferred: &str) -> Result<Vec<(usize, Vec<String>)>> {
    let mut book = calamine::open_workbook_auto(path).doing(Step::OpenSheet(path.to_path_buf()))?;
    let names = book.sheet_names();
    let name = names
        .iter()
        .find(|n| n.as_str() == preferred)
        .or(names.first())
        .cloned()
        .ok_or_else(|| CliError::EmptySheet(path.to_path_buf()))?;
    let range = book.worksheet_range(&name).doing(Step::ReadSheet {
        path: path.to_path_buf(),
        sheet: name.clone(),
    })?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![String::new(); first_col as usize];
            cells.extend(row.iter().map(cell_text));
            (first_row as usize + i + 1, cells)
        })
        .collect())
}

/// A spreadsheet cell as the text an import reads: dates as `YYYY-MM-DD`, whole numbers
/// without a decimal point.
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            jiff::civil::Date::new(y as i16, m as i8, day as i8)
                .map(|d| Day(d).to_string())
                .unwrap_or_else(|_| d.as_f64().to_string())
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}
