/**
 * `COPY … FROM STDIN` over node-postgres without pg-copy-streams: a query object node-postgres accepts
 * (its `submit` protocol) that answers the server's CopyInResponse with CopyData messages and CopyDone.
 * Text format: columns separated by tabs, rows by newlines, NULL as \N.
 */
import type { Client, Submittable } from 'pg';

/** The parts of node-postgres's connection this uses (lib/connection.js). */
interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: NodeJS.WritableStream & { writableLength: number; writable: boolean };
}

const MESSAGE_BYTES = 256 * 1024;
const HIGH_WATER_BYTES = 4 * 1024 * 1024;

class CopyFromStdin implements Submittable {
  private error: Error | null = null;
  private rowCount = 0;
  readonly done: Promise<number>;
  private settle!: { resolve: (rows: number) => void; reject: (error: Error) => void };

  constructor(
    private readonly text: string,
    private readonly data: Buffer,
  ) {
    this.done = new Promise<number>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  submit(connection: unknown): void {
    (connection as PgConnection).query(this.text);
  }

  handleCopyInResponse(connection: PgConnection): void {
    void this.pump(connection);
  }

  private async pump(connection: PgConnection): Promise<void> {
    try {
      for (let offset = 0; offset < this.data.length && !this.error; offset += MESSAGE_BYTES) {
        connection.sendCopyFromChunk(this.data.subarray(offset, offset + MESSAGE_BYTES));
        if (connection.stream.writableLength > HIGH_WATER_BYTES) {
          await new Promise<void>((resolve) => connection.stream.once('drain', resolve));
        }
      }
      if (!this.error) connection.endCopyFrom();
    } catch (error) {
      this.error ??= error as Error;
      connection.sendCopyFail(String((error as Error).message));
    }
  }

  handleCommandComplete(message: { text?: string; command?: string; rowCount?: number }): void {
    const count = message.rowCount ?? Number(/(\d+)\s*$/.exec(message.text ?? '')?.[1] ?? 0);
    this.rowCount += count;
  }

  handleError(error: Error): void {
    // node-postgres drops the active query on an error, so ReadyForQuery will not reach this one: settle now
    this.error ??= error;
    this.settle.reject(this.error);
  }

  handleReadyForQuery(): void {
    if (this.error) this.settle.reject(this.error);
    else this.settle.resolve(this.rowCount);
  }

  // messages a COPY never receives; node-postgres may call them on any query object
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Runs `COPY table (columns) FROM STDIN` with `rows` (text format, one line per row); resolves with the row count. */
export async function copyRows(client: Client, table: string, columns: readonly string[], rows: string | Buffer): Promise<number> {
  if (rows.length === 0) return 0;
  const query = new CopyFromStdin(`copy ${table} (${columns.join(', ')}) from stdin`, typeof rows === 'string' ? Buffer.from(rows, 'utf8') : rows);
  client.query(query);
  return query.done;
}

/** A value in COPY text format: NULL as \N; backslash, tab, newline and carriage return escaped. */
export function copyValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : value;
}
