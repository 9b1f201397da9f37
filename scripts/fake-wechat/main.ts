/**
 * CLI: `tsx fake-wechat/main.ts`. Configured by FAKE_WECHAT_PORT (3100), FAKE_WECHAT_HOST (127.0.0.1),
 * FAKE_WECHAT_APPS ("appid:secret[:unionid]", comma-separated), FAKE_WECHAT_TOKEN_TTL_SECONDS (7200)
 * and optionally FAKE_WECHAT_PAGES (comma-separated published pages).
 * Writes one JSON line per request to stdout: method, path (never the query), status, errcode, ms.
 */
import { optionsFromEnv } from './env-config';
import { startFakeWechat } from './index';

function logLine(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
}

async function main(): Promise<void> {
  const options = optionsFromEnv(process.env);
  const fake = await startFakeWechat({
    ...options,
    onRequest: (entry) => logLine({ event: 'request', ...entry }),
  });
  logLine({
    event: 'fake-wechat.started',
    url: fake.url,
    apps: (options.apps ?? []).map((app) => app.appId),
    tokenTtlSeconds: options.tokenTtlSeconds,
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    fake.close().then(
      () => {
        logLine({ event: 'fake-wechat.stopped', signal });
        process.exit(0);
      },
      (error: unknown) => {
        console.error('fake-wechat: failed to stop', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`fake-wechat: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
