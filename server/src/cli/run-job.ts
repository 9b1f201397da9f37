/**
 * Runs one scheduled job now, against the configured database: `pnpm --filter @memberloop/server job points.expire`.
 * With no name it lists the jobs. (With the embedded database, stop the server first: PGlite is one process.)
 */
import { systemClock } from '@memberloop/shared';
import { buildApp } from '../app';
import { loadConfig } from '../config';
import { connectDatabase } from '../db/connect';
import { allJobs, createJobRunner } from '../jobs';

async function main() {
  const config = loadConfig();
  const database = await connectDatabase(config);
  const app = await buildApp({ config, database });
  try {
    await database.migrate();
    const jobs = allJobs(app.services, database.db, systemClock);
    const name = process.argv[2];
    if (!name) {
      for (const job of jobs) console.log(`${job.name.padEnd(20)} ${job.cron}`);
      return;
    }
    const runner = createJobRunner({ db: database.db, clock: systemClock, logger: app.log, jobs, timeZone: config.defaultTimeZone });
    const outcome = await runner.runNow(name);
    console.log(outcome);
    process.exitCode = outcome === 'failed' ? 1 : 0;
  } finally {
    await app.close();
    await database.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
