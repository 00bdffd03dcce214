export type Cell = string | number | boolean | null | undefined;

/** One field per RFC 4180: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  // A leading =, +, - or @ makes spreadsheets run a formula; a quote mark disarms it.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Header row, then one line per row, CRLF-terminated as RFC 4180 says. */
export function toCsv(columns: readonly { key: string; label: string }[], rows: readonly Record<string, Cell>[]): string {
  const line = (cells: Cell[]) => cells.map(csvField).join(',') + '\r\n';
  return line(columns.map((c) => c.label)) + rows.map((r) => line(columns.map((c) => r[c.key]))).join('');
}
