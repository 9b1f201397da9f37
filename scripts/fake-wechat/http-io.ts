/** The request and reply shapes handlers work with, and their translation to node:http. */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { WxErrorBody } from './errors';

export interface FakeRequest {
  method: string;
  /** Without the query string. */
  path: string;
  query: URLSearchParams;
  body: Buffer;
}

export type WxBody = WxErrorBody & Record<string, unknown>;

export type Reply = { kind: 'json'; status: number; body: WxBody } | { kind: 'png'; bytes: Buffer };

export function ok(fields: Record<string, unknown> = {}, status = 200): Reply {
  return { kind: 'json', status, body: { errcode: 0, errmsg: 'ok', ...fields } };
}

/** WeChat reports its errors with HTTP 200. */
export function fail(error: WxErrorBody, status = 200): Reply {
  return { kind: 'json', status, body: { errcode: error.errcode, errmsg: error.errmsg } };
}

export function png(bytes: Buffer): Reply {
  return { kind: 'png', bytes };
}

/** The body as a JSON object, or undefined when it is empty, malformed or not an object. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the whole body; undefined when it exceeds the limit (the rest is drained). */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function writeReply(response: ServerResponse, reply: Reply, extraHeaders: OutgoingHttpHeaders = {}): void {
  if (reply.kind === 'png') {
    response.writeHead(200, { ...extraHeaders, 'Content-Type': 'image/png', 'Content-Length': reply.bytes.length });
    response.end(reply.bytes);
    return;
  }
  const text = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    ...extraHeaders,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}
