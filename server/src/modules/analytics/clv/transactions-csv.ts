/**
 * Parses the CLV command's transactions file: CSV with a header naming the columns customer_id, date
 * and amount (in any order; other columns are ignored), ISO dates (YYYY-MM-DD) and non-negative
 * decimal amounts with at most two decimal places that are not zero (12, 12.5, 12.50, 12.500).
 * Amounts are read exactly, as integer hundredths, from the text. Fields may be double-quoted
 * ("" inside quotes is one "). Blank lines are skipped. Pure, no I/O.
 *
 * Problems with the file are returned, not thrown, so the command can report them as user errors.
 */
import { dayNumberFromIsoDate, type Purchase } from './summary';

export type ParseTransactionsResult = { ok: true; purchases: Purchase[] } | { ok: false; error: string };

const AMOUNT = /^(\d+)(?:\.(\d+))?$/;

/** "12.34" → 1234; null when the text is not a non-negative decimal exact to the hundredth. */
export function parseAmountFen(text: string): number | null {
  const match = AMOUNT.exec(text);
  if (!match) return null;
  const whole = match[1]!;
  const fraction = match[2] ?? '';
  if (/[1-9]/.test(fraction.slice(2))) return null; // finer than a hundredth
  const fen = Number(whole) * 100 + Number(fraction.slice(0, 2).padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/** Splits one CSV line into fields; null when a quote is not closed. */
function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (inQuotes) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else field += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  if (inQuotes) return null;
  fields.push(field);
  return fields;
}

const REQUIRED_COLUMNS = ['customer_id', 'date', 'amount'] as const;

export function parseTransactionsCsv(text: string): ParseTransactionsResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex === -1) return { ok: false, error: 'the file is empty (expected a header line customer_id,date,amount)' };
  const header = splitCsvLine(lines[headerIndex]!)?.map((name) => name.trim().toLowerCase());
  if (!header) return { ok: false, error: `line ${headerIndex + 1}: unclosed quote in the header` };
  const columns: Record<(typeof REQUIRED_COLUMNS)[number], number> = { customer_id: -1, date: -1, amount: -1 };
  for (const name of REQUIRED_COLUMNS) {
    columns[name] = header.indexOf(name);
    if (columns[name] === -1) return { ok: false, error: `line ${headerIndex + 1}: the header has no "${name}" column (expected customer_id,date,amount)` };
  }

  const purchases: Purchase[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const where = `line ${i + 1}`;
    const fields = splitCsvLine(line);
    if (!fields) return { ok: false, error: `${where}: unclosed quote` };
    if (fields.length < header.length) return { ok: false, error: `${where}: expected ${header.length} fields, found ${fields.length}` };
    const customerId = fields[columns.customer_id]!.trim();
    const dateText = fields[columns.date]!.trim();
    const amountText = fields[columns.amount]!.trim();
    if (customerId === '') return { ok: false, error: `${where}: empty customer_id` };
    const day = dayNumberFromIsoDate(dateText);
    if (day === null) return { ok: false, error: `${where}: date "${dateText}" is not a calendar date in the form YYYY-MM-DD` };
    const amountFen = parseAmountFen(amountText);
    if (amountFen === null) {
      return { ok: false, error: `${where}: amount "${amountText}" is not a non-negative decimal with at most two decimal places` };
    }
    purchases.push({ customerId, day, amountFen });
  }
  return { ok: true, purchases };
}
