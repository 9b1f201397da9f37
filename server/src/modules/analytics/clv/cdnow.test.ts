/**
 * The CLV command on the CDNOW 1/10 sample (2,357 customers; FHL 2005) must reproduce the published
 * estimates within 1%: BG/NBD r = 0.243, α = 4.414, a = 0.793, b = 2.426 (39-week calibration ending
 * 1997-09-30) and Gamma-Gamma p = 6.25, q = 3.74, v = 15.44 (the 946 customers with repeat purchases,
 * their mean repeat transaction value).
 *
 * The data are not in the repository: they are read from ../shared/datasets/cdnow next to it, and the
 * tests are skipped when that folder is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dayNumberFromIsoDate, summarizePurchases } from './summary';
import { parseTransactionsCsv } from './transactions-csv';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..', '..');
const datasetDir = path.resolve(__dirname, '..', '..', '..', '..', '..', '..', 'shared', 'datasets', 'cdnow');
const sampleFile = path.join(datasetDir, 'CDNOW_sample.txt');
const summaryFile = path.join(datasetDir, 'cdnow_customers_summary_with_transactions.csv');
const haveData = existsSync(sampleFile);

if (!haveData) {
  // eslint-disable-next-line no-console
  console.warn(`CDNOW tests skipped: ${sampleFile} not found (the data set lives outside the repository, in ../shared/datasets/cdnow)`);
}
const describeWithData = haveData ? describe : describe.skip;
jest.setTimeout(120_000);

/** CDNOW_sample.txt rows are "master_id sample_id yyyymmdd n_cds dollars"; the sample id is the customer. */
function sampleAsCsv(): string {
  const rows = ['customer_id,date,amount'];
  for (const line of readFileSync(sampleFile, 'utf8').split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5) continue;
    const [, id, ymd, , dollars] = fields as [string, string, string, string, string];
    rows.push(`${id},${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)},${dollars}`);
  }
  return rows.join('\n') + '\n';
}

const withinOnePercent = (actual: number, published: number) => expect(Math.abs(actual - published) / published).toBeLessThan(0.01);

describeWithData(`CDNOW sample (${datasetDir})`, () => {
  let dir: string;
  let csvFile: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'clv-cdnow-'));
    csvFile = path.join(dir, 'cdnow.csv');
    writeFileSync(csvFile, sampleAsCsv());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('summarises to the published per-customer table (x, tₓ, T in weeks, mean repeat value)', () => {
    const parsed = parseTransactionsCsv(readFileSync(csvFile, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    const summaries = summarizePurchases(parsed.purchases, dayNumberFromIsoDate('1997-09-30')!, 'week');
    const published = readFileSync(summaryFile, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').map(Number));
    expect(summaries).toHaveLength(2357);
    expect(published).toHaveLength(2357);
    summaries.forEach((s, i) => {
      const [id, x, tx, T, zbar] = published[i]!;
      expect(Number(s.id)).toBe(id);
      expect(s.x).toBe(x);
      expect(Math.abs(s.tx - tx!)).toBeLessThanOrEqual(0.005 + 1e-9); // the table has two decimals
      expect(Math.abs(s.T - T!)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(s.monetary - zbar!)).toBeLessThanOrEqual(0.01);
    });
    expect(summaries.filter((s) => s.x > 0)).toHaveLength(946);
  });

  it('fits the published BG/NBD and Gamma-Gamma estimates through the command line', () => {
    const result = spawnSync(
      path.join(repoRoot, 'server', 'node_modules', '.bin', 'tsx'),
      [path.join(__dirname, 'cli.ts'), 'fit', '--transactions', csvFile, '--calibration-end', '1997-09-30', '--unit', 'week', '--horizon', '39'],
      { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);

    withinOnePercent(report.bgnbd.r, 0.243);
    withinOnePercent(report.bgnbd.alpha, 4.414);
    withinOnePercent(report.bgnbd.a, 0.793);
    withinOnePercent(report.bgnbd.b, 2.426);
    expect(report.bgnbd.logLikelihood).toBeCloseTo(-9582.4, 1); // FHL 2005 report LL = −9582.4
    withinOnePercent(report.gammaGamma.p, 6.25);
    withinOnePercent(report.gammaGamma.q, 3.74);
    withinOnePercent(report.gammaGamma.v, 15.44);

    expect(report.customers).toHaveLength(2357);
    // FHL's worked example, customer 1 (x = 2, tₓ = 30.43, T = 38.86): 1.226 purchases in the next 39 weeks
    const first = report.customers.find((c: { id: string }) => c.id === '0001');
    expect(first.expectedPurchases).toBeCloseTo(1.226, 2);
    for (const c of report.customers) {
      expect(c.pAlive).toBeGreaterThanOrEqual(0);
      expect(c.pAlive).toBeLessThanOrEqual(1);
      expect(Number.isFinite(c.expectedPurchases) && c.expectedPurchases >= 0).toBe(true);
      expect(Number.isFinite(c.expectedSpend) && c.expectedSpend >= 0).toBe(true);
    }
  });
});
