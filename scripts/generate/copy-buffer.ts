/**
 * A growable byte buffer for COPY text format, written field by field: ASCII strings, integers and UTC
 * timestamps go in without building intermediate strings — building rows as JS strings and encoding
 * them cost more than drawing the data.
 */

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;
const DIGITS = 48;

function twoDigits(buffer: Buffer, at: number, n: number): number {
  buffer[at] = DIGITS + Math.floor(n / 10);
  buffer[at + 1] = DIGITS + (n % 10);
  return at + 2;
}

export class CopyBuffer {
  private buffer: Buffer;
  private length = 0;
  rows = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  get byteLength(): number {
    return this.length;
  }

  private ensure(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** A string known to be ASCII without tabs, newlines or backslashes (ids, codes, enum values). */
  ascii(value: string): this {
    this.ensure(value.length);
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < value.length; i++) buffer[at++] = value.charCodeAt(i);
    this.length = at;
    return this;
  }

  /** Bytes prepared once (a SKU's code, name and category; Chinese text as UTF-8). */
  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** Any string, UTF-8, with COPY's escapes. */
  text(value: string): this {
    const escaped = /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : value;
    this.ensure(Buffer.byteLength(escaped));
    this.length += this.buffer.write(escaped, this.length, 'utf8');
    return this;
  }

  int(value: number): this {
    this.ensure(21);
    const buffer = this.buffer;
    let n = Math.trunc(value);
    if (n < 0) {
      buffer[this.length++] = 45;
      n = -n;
    }
    if (n < 10) {
      buffer[this.length++] = DIGITS + n;
      return this;
    }
    let digits = 0;
    for (let m = n; m > 0; m = Math.floor(m / 10)) digits++;
    let at = this.length + digits;
    this.length = at;
    while (n > 0) {
      const next = Math.floor(n / 10);
      buffer[--at] = DIGITS + (n - next * 10);
      n = next;
    }
    return this;
  }

  bool(value: boolean): this {
    this.ensure(1);
    this.buffer[this.length++] = value ? 116 : 102;
    return this;
  }

  /** A UTC instant as `YYYY-MM-DDTHH:MM:SS.mmmZ` (years 1970–9999). */
  timestamp(ms: number): this {
    this.ensure(24);
    const buffer = this.buffer;
    const days = Math.floor(ms / 86_400_000);
    let rest = ms - days * 86_400_000;
    // civil_from_days (Howard Hinnant)
    const z = days + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    let at = this.length;
    at = twoDigits(buffer, at, Math.floor(year / 100));
    at = twoDigits(buffer, at, year % 100);
    buffer[at++] = 45;
    at = twoDigits(buffer, at, month);
    buffer[at++] = 45;
    at = twoDigits(buffer, at, day);
    buffer[at++] = 84;
    at = twoDigits(buffer, at, hours);
    buffer[at++] = 58;
    at = twoDigits(buffer, at, minutes);
    buffer[at++] = 58;
    at = twoDigits(buffer, at, seconds);
    buffer[at++] = 46;
    buffer[at++] = DIGITS + Math.floor(millis / 100);
    at = twoDigits(buffer, at, millis % 100);
    buffer[at++] = 90;
    this.length = at;
    return this;
  }

  null(): this {
    this.ensure(2);
    this.buffer[this.length++] = BACKSLASH;
    this.buffer[this.length++] = 78;
    return this;
  }

  tab(): this {
    this.ensure(1);
    this.buffer[this.length++] = TAB;
    return this;
  }

  /** Ends a row. */
  end(): this {
    this.ensure(1);
    this.buffer[this.length++] = NEWLINE;
    this.rows++;
    return this;
  }

  toBuffer(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}
