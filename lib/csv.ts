/**
 * CSV for spreadsheet programs (the data protection officer opens exports in one), safe against formula
 * injection (OWASP "CSV Injection"): a cell that starts with = + - @, a tab or a carriage return is
 * prefixed with an apostrophe, so that no program runs it; every cell is quoted. Semicolons separate cells
 * and a byte order mark leads, as German spreadsheet programs expect. Client-safe, no dependencies.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const line = (cells: readonly (string | number | null)[]) => cells.map(csvCell).join(';');
  return `\uFEFF${[line(header), ...rows.map(line)].join('\r\n')}\r\n`;
}
