/**
 * `npm run generate -- --members N --seed S [--brand CODE] [--database-url URL] [--end YYYY-MM-DD]
 *  [--years 2] [--orders-per-member 10] [--stores 20] [--no-events] [--connections 2] [--chunk 2000]`
 *
 * Generates a brand's members and purchases into a migrated database (DATABASE_URL when no
 * --database-url). Progress on stderr; the last line of stdout is one JSON summary.
 */
import { generate, type GenerateOptions } from './generate';

const USAGE =
  'usage: npm run generate -- --members N --seed S [--brand CODE] [--database-url URL] [--end YYYY-MM-DD] [--years 2] [--orders-per-member 10] [--stores 20] [--no-events] [--connections 2] [--chunk 2000]';

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): GenerateOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (name === 'no-events' || name === 'help') {
      flags.add(name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value\n${USAGE}`);
    values.set(name, value);
  }
  if (flags.has('help')) throw new Error(USAGE);
  const known = new Set(['members', 'seed', 'brand', 'database-url', 'end', 'orders-per-member', 'stores', 'connections', 'chunk', 'years']);
  for (const name of values.keys()) if (!known.has(name)) throw new Error(`unknown option --${name}\n${USAGE}`);
  const number = (name: string, fallback?: number): number => {
    const raw = values.get(name);
    if (raw === undefined) {
      if (fallback === undefined) throw new Error(`--${name} is required\n${USAGE}`);
      return fallback;
    }
    const value = Number(raw.replace(/_/g, ''));
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0, not ${raw}`);
    return value;
  };
  const databaseUrl = values.get('database-url') ?? env.DATABASE_URL;
  if (!databaseUrl) throw new Error(`--database-url (or DATABASE_URL) is required: a migrated PostgreSQL database\n${USAGE}`);
  const members = number('members');
  if (!Number.isInteger(members)) throw new Error('--members must be a whole number');
  return {
    databaseUrl,
    members,
    seed: Math.floor(number('seed', 1)),
    brandCode: values.get('brand') ?? 'gen',
    end: values.get('end'),
    years: number('years', 2),
    ordersPerMember: number('orders-per-member', 10),
    stores: Math.max(1, Math.floor(number('stores', 20))),
    events: !flags.has('no-events'),
    connections: Math.max(1, Math.floor(number('connections', 2))),
    chunkMembers: Math.max(1, Math.floor(number('chunk', 2000))),
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const summary = await generate(options);
  process.stderr.write(
    `generated ${summary.members.toLocaleString('en-US')} members, ${summary.orders.toLocaleString('en-US')} orders, ${summary.orderItems.toLocaleString('en-US')} items, ` +
      `${summary.events.toLocaleString('en-US')} events in ${summary.seconds} s (${summary.rowsPerSecond.toLocaleString('en-US')} rows/s)\n`,
  );
  console.log(JSON.stringify(summary));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
