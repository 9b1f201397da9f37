/**
 * A fake of the WeChat server API (api.weixin.qq.com) for development and tests: WeChat's paths,
 * field names and error codes, plus /__dev/ endpoints and in-process helpers that play the user.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { grantSubscriptions, mintLoginCode, mintPhoneCode } from './dev-actions';
import { unwrap } from './errors';
import { parseFaultSpec } from './fault-queue';
import { resolveOptions } from './options';
import { createFakeWechatServer } from './server';
import { createState, resetState } from './state';
import type { FakeWechat, FakeWechatOptions } from './types';

export type {
  FakeWechat,
  FakeWechatApp,
  FakeWechatOptions,
  FakeWechatStats,
  FaultSpec,
  GrantedSubscriptions,
  GrantSubscriptionsInput,
  MintedLoginCode,
  MintedPhoneCode,
  MintLoginCodeInput,
  MintPhoneCodeInput,
  PendingFault,
  RequestLogEntry,
  SentMessage,
  SubscribeTemplate,
} from './types';
export { FakeWechatError, WechatErrcode } from './errors';
export { DEFAULT_DEV_APP } from './options';
export { DEFAULT_PAGES } from './page-registry';
export { COUPON_ARRIVAL_TEMPLATE_ID, DEFAULT_TEMPLATES, POINTS_EXPIRY_TEMPLATE_ID } from './templates';

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** The host to put in the URL: wildcard binds are reached through loopback; IPv6 gets brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** Starts the fake on `options.port` (a free port by default). Throws on invalid options. */
export async function startFakeWechat(options: FakeWechatOptions = {}): Promise<FakeWechat> {
  const resolved = resolveOptions(options);
  const state = createState(resolved);
  const server = createFakeWechatServer(state, resolved.onRequest);
  const address = await listen(server, resolved.port, resolved.host);
  let closing: Promise<void> | undefined;

  return {
    url: `http://${urlHost(resolved.host)}:${address.port}`,
    port: address.port,
    close: () => (closing ??= closeServer(server)),
    mintLoginCode: (input = {}) => unwrap(mintLoginCode(state, input)),
    mintPhoneCode: (input) => unwrap(mintPhoneCode(state, input)),
    grantSubscriptions: (input) => unwrap(grantSubscriptions(state, input)),
    injectFault: (fault) => state.faults.add(unwrap(parseFaultSpec(fault))),
    clearFaults: () => state.faults.clear(),
    openidFor: (user, appId) => {
      const app = unwrap(state.apps.resolve(appId));
      return state.users.identify(app.appId, { user }).openid;
    },
    stats: () => state.stats.snapshot(),
    sentMessages: () => state.messages.list(),
    reset: () => resetState(state),
  };
}
