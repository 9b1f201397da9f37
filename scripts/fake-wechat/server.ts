/** The HTTP server: routing, CORS for /__dev/, injected faults, stats and the per-request log hook. */
import { createServer, IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import * as dev from './endpoints/dev-endpoints';
import { getUserPhoneNumber } from './endpoints/get-user-phone-number';
import { getWxacodeUnlimit } from './endpoints/get-wxacode-unlimit';
import { jscode2session } from './endpoints/jscode2session';
import type { Endpoint } from './endpoints/endpoint';
import { stableToken } from './endpoints/stable-token';
import { subscribeSend } from './endpoints/subscribe-send';
import { defaultErrmsg, WechatErrcode, wxError } from './errors';
import { fail, FakeRequest, readBody, Reply, writeReply } from './http-io';
import type { FakeWechatState } from './state';
import type { PendingFault, RequestLogEntry } from './types';

const MAX_BODY_BYTES = 1024 * 1024;
const DEV_PREFIX = '/__dev/';

const ROUTES: Readonly<Record<string, Readonly<Record<string, Endpoint>>>> = {
  '/cgi-bin/stable_token': { POST: stableToken },
  '/sns/jscode2session': { GET: jscode2session },
  '/wxa/business/getuserphonenumber': { POST: getUserPhoneNumber },
  '/wxa/getwxacodeunlimit': { POST: getWxacodeUnlimit },
  '/cgi-bin/message/subscribe/send': { POST: subscribeSend },
  '/__dev/login-code': { POST: dev.devLoginCode },
  '/__dev/phone-code': { POST: dev.devPhoneCode },
  '/__dev/subscriptions': { POST: dev.devSubscriptions },
  '/__dev/faults': { POST: dev.devAddFault, GET: dev.devListFaults, DELETE: dev.devClearFaults },
  '/__dev/stats': { GET: dev.devStats },
  '/__dev/messages': { GET: dev.devMessages },
  '/__dev/reset': { POST: dev.devReset },
};

const CORS_HEADERS: OutgoingHttpHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600',
};

function route(request: FakeRequest, state: FakeWechatState): Reply {
  const methods = ROUTES[request.path];
  if (!methods) return fail(wxError(WechatErrcode.SYSTEM_ERROR, `no such api: ${request.path}`), 404);
  const endpoint = methods[request.method];
  if (!endpoint) return fail(wxError(WechatErrcode.SYSTEM_ERROR, `method ${request.method} not allowed`), 405);
  try {
    return endpoint(request, state);
  } catch (error) {
    console.error('fake-wechat: endpoint failed', error);
    return fail(wxError(WechatErrcode.SYSTEM_ERROR), 500);
  }
}

/** A fault answers with an error unless it only adds delay. */
function faultReply(fault: PendingFault): Reply | undefined {
  if (fault.errcode === undefined && fault.httpStatus === 200) return undefined;
  const errcode = fault.errcode ?? WechatErrcode.SYSTEM_ERROR;
  return fail(wxError(errcode, fault.errmsg ?? defaultErrmsg(errcode)), fault.httpStatus);
}

async function answer(request: FakeRequest, state: FakeWechatState, isDev: boolean): Promise<Reply> {
  const fault = isDev ? undefined : state.faults.take(request.path);
  if (fault) {
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    const reply = faultReply(fault);
    if (reply) return reply;
  }
  return route(request, state);
}

async function handle(
  incoming: IncomingMessage,
  response: ServerResponse,
  state: FakeWechatState,
  onRequest: ((entry: RequestLogEntry) => void) | undefined,
): Promise<void> {
  const started = performance.now();
  const url = new URL(incoming.url ?? '/', 'http://fake-wechat.invalid');
  const method = (incoming.method ?? 'GET').toUpperCase();
  const path = url.pathname;
  const isDev = path.startsWith(DEV_PREFIX);
  const headers = isDev ? CORS_HEADERS : {};
  const log = (status: number, errcode: number): void =>
    onRequest?.({ method, path, status, errcode, ms: Math.round((performance.now() - started) * 10) / 10 });

  if (isDev && method === 'OPTIONS') {
    response.writeHead(204, headers);
    response.end();
    log(204, 0);
    return;
  }

  const body = await readBody(incoming, MAX_BODY_BYTES);
  const reply = body
    ? await answer({ method, path, query: url.searchParams, body }, state, isDev)
    : fail(wxError(WechatErrcode.DATA_FORMAT_ERROR, 'request body too large'), 413);
  const status = reply.kind === 'png' ? 200 : reply.status;
  const errcode = reply.kind === 'png' ? 0 : reply.body.errcode;
  if (!isDev) state.stats.record(path, errcode);
  writeReply(response, reply, headers);
  log(status, errcode);
}

export function createFakeWechatServer(
  state: FakeWechatState,
  onRequest?: (entry: RequestLogEntry) => void,
): Server {
  const server = createServer((incoming, response) => {
    handle(incoming, response, state, onRequest).catch((error: unknown) => {
      console.error('fake-wechat: request failed', error);
      if (!response.headersSent) writeReply(response, fail(wxError(WechatErrcode.SYSTEM_ERROR), 500));
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}
