import { Client } from 'pg';
import { CopyBuffer } from './copy-buffer';
import { copyRows, copyValue } from './copy-in';
import { parseArgs } from './cli';
import { levelFor, phoneFor, todayInChina } from './generate';

describe('COPY text rows', () => {
  it('writes timestamps exactly like toISOString', () => {
    for (const ms of [0, 951_782_400_000, 1_709_164_800_000, 1_732_406_400_123, 1_767_225_599_999, 4_102_444_799_999]) {
      expect(new CopyBuffer(4).timestamp(ms).toBuffer().toString()).toBe(new Date(ms).toISOString());
    }
  });

  it('writes integers, nulls, booleans, UTF-8 and escapes, growing as needed', () => {
    const row = new CopyBuffer(2).int(0).tab().int(-42).tab().int(2_147_483_647).tab().null().tab().bool(true).tab().bytes(Buffer.from('会员')).tab().text('a\tb\\c\nd').end();
    expect(row.toBuffer().toString()).toBe('0\t-42\t2147483647\t\\N\tt\t会员\ta\\tb\\\\c\\nd\n');
    expect(row.rows).toBe(1);
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue('x\ty')).toBe('x\\ty');
  });

  it('numbers phones distinctly and finds the level a spend supports', () => {
    const phones = new Set(Array.from({ length: 100_000 }, (_, i) => phoneFor(i)));
    expect(phones.size).toBe(100_000);
    for (const phone of phones) expect(phone).toMatch(/^199\d{8}$/);
    const ladder = [
      { level: 0, threshold: 0 },
      { level: 1, threshold: 100_000 },
      { level: 2, threshold: 500_000 },
    ];
    expect(levelFor(ladder, 99_999)).toBe(0);
    expect(levelFor(ladder, 100_000)).toBe(1);
    expect(levelFor(ladder, 9_000_000)).toBe(2);
    expect(todayInChina(Date.parse('2026-11-24T17:00:00Z'))).toBe('2026-11-25');
  });

  it('reads the command line', () => {
    const options = parseArgs(['--members', '1_000', '--seed=7', '--brand', 'x', '--no-events'], { DATABASE_URL: 'postgres://db' });
    expect(options).toMatchObject({ members: 1000, seed: 7, brandCode: 'x', events: false, databaseUrl: 'postgres://db', ordersPerMember: 10 });
    expect(() => parseArgs(['--members', '10'], {})).toThrow(/database-url/);
    expect(() => parseArgs(['--seed', '1'], { DATABASE_URL: 'x' })).toThrow(/--members is required/);
    expect(() => parseArgs(['--members', '10', '--colour', 'red'], { DATABASE_URL: 'x' })).toThrow(/unknown option/);
  });
});

const databaseUrl = process.env.TEST_DATABASE_URL;
(databaseUrl ? describe : describe.skip)('COPY FROM STDIN over node-postgres', () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query('create temp table copy_probe (id int primary key, name text, at timestamptz)');
  });
  afterAll(() => client.end());

  it('loads rows, many messages long, and reports the count', async () => {
    const rows = new CopyBuffer();
    for (let i = 0; i < 50_000; i++) rows.int(i).tab().bytes(Buffer.from('名字')).tab().timestamp(1_700_000_000_000 + i).end();
    expect(await copyRows(client, 'copy_probe', ['id', 'name', 'at'], rows.toBuffer())).toBe(50_000);
    const { rows: check } = await client.query('select count(*)::int as n, max(at) as last, min(name) as name from copy_probe');
    expect(check[0]).toEqual({ n: 50_000, last: new Date(1_700_000_049_999), name: '名字' });
  });

  it('rejects a bad row and leaves the connection usable', async () => {
    await expect(copyRows(client, 'copy_probe', ['id', 'name', 'at'], '1\tduplicate\t\\N\n')).rejects.toThrow(/duplicate key/);
    await expect(copyRows(client, 'copy_probe', ['id', 'name'], 'not a number\tx\n')).rejects.toThrow(/invalid input syntax/);
    expect((await client.query('select 1 as ok')).rows[0].ok).toBe(1);
  });
});
