/**
 * `npm run --silent recommend:eval -- --database-url URL --brand CODE --split YYYY-MM-DD [--horizon-days 90]
 *  [--exclude-days 30]`
 *
 * Offline evaluation of the co-purchase recommendations on a time split (00:00 UTC of the split date):
 * hit-rate@10 of the model and of the popularity baseline. A summary on stdout, then one JSON line.
 * Reads only.
 */
import { systemClock } from '@memberloop/shared';
import { connectPostgres } from '../../../db/client';
import type { ServiceDeps } from '../../../deps';
import { createBrandsService } from '../../brands';
import { evaluateRecommendations } from './recommendations.service';

const USAGE = 'usage: npm run --silent recommend:eval -- --database-url URL --brand CODE --split YYYY-MM-DD [--horizon-days 90] [--exclude-days 30]';

export function parseEvalArgs(argv: string[], env: NodeJS.ProcessEnv = process.env) {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value\n${USAGE}`);
    if (!['database-url', 'brand', 'split', 'horizon-days', 'exclude-days'].includes(name)) throw new Error(`unknown option --${name}\n${USAGE}`);
    values.set(name, value);
  }
  const databaseUrl = values.get('database-url') ?? env.DATABASE_URL;
  const brand = values.get('brand');
  const split = values.get('split');
  if (!databaseUrl || !brand || !split) throw new Error(USAGE);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(split) || Number.isNaN(Date.parse(`${split}T00:00:00Z`))) throw new Error(`--split must be a date YYYY-MM-DD, not ${split}`);
  const days = (name: string, fallback: number) => {
    const raw = values.get(name);
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number of days ≥ 0`);
    return value;
  };
  return { databaseUrl, brand, split: new Date(`${split}T00:00:00Z`), horizonDays: Math.max(1, days('horizon-days', 90)), excludeDays: days('exclude-days', 30) };
}

async function main() {
  const args = parseEvalArgs(process.argv.slice(2));
  const database = connectPostgres(args.databaseUrl, { poolSize: 2 });
  try {
    // activeBrandByCode reads the brand through the brands module and needs nothing but the database
    const brands = createBrandsService({ db: database.db, clock: systemClock } as ServiceDeps);
    const brand = await brands.activeBrandByCode(args.brand).catch((error: unknown) => {
      throw new Error(`brand ${args.brand}: ${error instanceof Error ? error.message : String(error)}`);
    });
    const result = await evaluateRecommendations(database.db, brand.id, args.split, { horizonDays: args.horizonDays, excludeDays: args.excludeDays });
    const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;
    console.log(`brand ${args.brand}: split ${args.split.toISOString().slice(0, 10)}, ${result.members.toLocaleString('en-US')} members bought before it and in the ${result.horizonDays} days after`);
    console.log(`hit-rate@10  co-purchase ${percent(result.hitRateAt10)}  popularity ${percent(result.popularityHitRateAt10)}  (lift ${result.lift ?? '-'})`);
    console.log(JSON.stringify({ brand: args.brand, ...result }));
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
