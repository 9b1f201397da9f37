/**
 * The command line as a user runs it: spawned through tsx (and once through scripts/clv.mjs), checking
 * stdout, stderr and the exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..', '..');
const tsx = path.join(repoRoot, 'server', 'node_modules', '.bin', 'tsx');
const cli = path.join(__dirname, 'cli.ts');

const runCli = (args: string[]) => spawnSync(tsx, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });

let dir: string;
let good: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'clv-cli-'));
  const rows = ['customer_id,date,amount'];
  for (let i = 0; i < 30; i++) {
    rows.push(`c${i},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${10 + i}.25`);
    if (i % 3 !== 0) rows.push(`c${i},2024-03-${String(1 + (i % 28)).padStart(2, '0')},${12 + i}.75`);
    if (i % 4 === 1) rows.push(`c${i},2024-05-${String(1 + (i % 28)).padStart(2, '0')},9.99`);
  }
  good = path.join(dir, 'good.csv');
  writeFileSync(good, rows.join('\n') + '\n');
  writeFileSync(path.join(dir, 'bad.csv'), 'customer_id,date,amount\nc1,2024-01-01,12.5\nc1,01/02/2024,3\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// each test spawns tsx (about a second on an idle machine); leave room for a busy one
jest.setTimeout(120_000);

const args = (file: string) => ['fit', '--transactions', file, '--calibration-end', '2024-06-30', '--unit', 'day', '--horizon', '90'];

describe('clv command line', () => {
  it('prints exactly one JSON object on stdout', () => {
    const result = runCli(args(good));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(result.stdout);
    expect(report.customers).toHaveLength(30);
    expect(report.customers[0]).toEqual(expect.objectContaining({ id: 'c0', x: 0, tx: 0, T: 181 }));
  });

  it.each([
    [['fit'], /missing --transactions/],
    [['fit', '--transactions', 'x.csv', '--calibration-end', '2024-06-30', '--unit', 'month', '--horizon', '3'], /--unit must be week or day/],
    [['fit', '--transactions', '/nonexistent/tx.csv', '--calibration-end', '2024-06-30', '--unit', 'day', '--horizon', '3'], /cannot read the transactions file \/nonexistent\/tx.csv: no such file/],
    [['bad.csv'], /line 3: date "01\/02\/2024"/],
  ])('exits with 2 and one clear message for %j', (argv, message) => {
    const result = runCli(argv[0] === 'bad.csv' ? args(path.join(dir, 'bad.csv')) : argv);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('runs as `npm run clv` does, through scripts/clv.mjs, passing the exit code on', () => {
    const ok = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'clv.mjs'), ...args(good)], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).customers).toHaveLength(30);
    const bad = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'clv.mjs'), 'fit'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
  });
});
