import { systemClock } from '@memberloop/shared';
import { buildApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { connectDatabase } from './db/connect';
import { seedDemo, type DemoSummary } from './demo/seed-demo';
import { allJobs, createJobRunner } from './jobs';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  // SIGTERM/SIGINT are ours from here on, so no signal ever ends the process by its default action. One that
  // arrives while the server is starting (migrations, demo seed) is kept and acted on once it is up, so a
  // migration is never cut in half; a second one while starting exits at once.
  let shutdown: ((signal: NodeJS.Signals) => Promise<void>) | undefined;
  let signalWhileStarting: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shutdown) return void shutdown(signal);
    if (signalWhileStarting) {
      console.error(`${signal} again while starting: exiting without a clean shutdown`);
      process.exit(1);
    }
    signalWhileStarting = signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const database = await connectDatabase(config);
  const app = await buildApp({ config, database });
  const started = Date.now();
  await database.migrate();
  app.log.info({ database: database.kind, ms: Date.now() - started }, 'migrations applied');

  let demo: DemoSummary | undefined;
  if (config.demoSeed) {
    demo = await seedDemo(database.db, systemClock, config.wechat.appId, (message) => app.log.info({ seed: 'demo' }, message));
  }

  const jobs = createJobRunner({
    db: database.db,
    clock: systemClock,
    logger: app.log.child({ module: 'jobs' }),
    jobs: allJobs(app.services, database.db, systemClock),
    timeZone: config.defaultTimeZone,
  });

  let closing = false;
  const close = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    try {
      // schedules and the worker loops first (each finishes and commits the batch in progress), then HTTP, then
      // the database they all use
      await jobs.stop();
      await Promise.all([app.services.campaigns.stopWorkers(), app.services.messaging.stopWorkers()]);
      await app.close();
      await database.close();
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    app.log.info({ signal }, 'stopped');
    process.exit(0);
  };
  if (signalWhileStarting) return close(signalWhileStarting);

  if (config.jobsEnabled) {
    jobs.start();
    // not awaited (the server listens meanwhile); jobs.stop() waits for it, and no recovered run starts once it began
    void jobs.recover().catch((error) => app.log.error({ err: error }, 'job recovery failed'));
    // campaign runs and the message outbox are worked through continuously; a restart resumes them
    app.services.campaigns.startWorkers();
    app.services.messaging.startWorkers();
  }

  await app.listen({ host: config.host, port: config.port });
  shutdown = close;
  if (signalWhileStarting) return close(signalWhileStarting);
  if (demo) printDemo(config, demo);
}

function printDemo(config: Config, demo: DemoSummary): void {
  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  const lines = [
    '',
    'memberloop is up',
    `  API            ${base}`,
    `  API docs       ${base}/docs`,
    `  health         ${base}/health   ${base}/ready`,
    ...(config.miniappH5Dir ? [`  mini-program   ${base}/h5/  (H5 build)`] : []),
    `  demo brand     ${demo.brandCode} (${demo.brandId}), ${demo.members} demo members`,
    '  staff logins   (POST /auth/staff/login with brandCode "demo")',
    ...demo.logins.map((login) => `    ${login.role.padEnd(9)} ${login.username.padEnd(9)} ${login.password}`),
    '  join codes     (scene to pass to POST /auth/member/login)',
    ...demo.stores.map((store) => `    ${store.name}  ${store.joinScene}`),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
