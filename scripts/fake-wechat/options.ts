/** Defaults and validation of FakeWechatOptions. */
import { DEFAULT_PAGES } from './page-registry';
import { DEFAULT_TEMPLATES } from './templates';
import type { FakeWechatApp, FakeWechatOptions, RequestLogEntry, SubscribeTemplate } from './types';

export const DEFAULT_DEV_APP: Readonly<FakeWechatApp> = {
  appId: 'wx0000000000000001',
  secret: 'dev-app-secret-change-me',
};

export interface ResolvedOptions {
  port: number;
  host: string;
  apps: FakeWechatApp[];
  tokenTtlSeconds: number;
  codeTtlSeconds: number;
  pages: string[];
  templates: SubscribeTemplate[];
  clock: () => number;
  onRequest: ((entry: RequestLogEntry) => void) | undefined;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved <= 0) throw new Error(`fake-wechat: ${name} must be a positive integer`);
  return resolved;
}

export function resolveOptions(options: FakeWechatOptions = {}): ResolvedOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('fake-wechat: port must be 0..65535');
  const apps = options.apps ?? [{ ...DEFAULT_DEV_APP }];
  if (apps.length === 0) throw new Error('fake-wechat: at least one app is required');
  for (const app of apps) {
    if (!app.appId || !app.secret) throw new Error('fake-wechat: every app needs an appId and a secret');
  }
  return {
    port,
    host: options.host ?? '127.0.0.1',
    apps: apps.map((app) => ({ ...app })),
    tokenTtlSeconds: positiveInteger('tokenTtlSeconds', options.tokenTtlSeconds, 7200),
    codeTtlSeconds: positiveInteger('codeTtlSeconds', options.codeTtlSeconds, 300),
    pages: [...(options.pages ?? DEFAULT_PAGES)],
    templates: (options.templates ?? DEFAULT_TEMPLATES).map((t) => ({ ...t, keys: [...t.keys] })),
    clock: options.clock ?? Date.now,
    onRequest: options.onRequest,
  };
}
