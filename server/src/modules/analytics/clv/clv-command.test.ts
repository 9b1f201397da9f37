import { expectedPurchases, probabilityAlive } from './bgnbd';
import { parseArguments, runFit, UsageError } from './clv-command';
import { expectedAverageSpend } from './gamma-gamma';
import { dayNumberFromIsoDate } from './summary';

const fitArgs = ['fit', '--transactions', 'tx.csv', '--calibration-end', '1997-09-30', '--unit', 'week', '--horizon', '39'];

describe('parseArguments', () => {
  it('reads the fit command, with --name value or --name=value', () => {
    const expected = { kind: 'fit', options: { transactionsFile: 'tx.csv', calibrationEndDay: dayNumberFromIsoDate('1997-09-30'), unit: 'week', horizon: 39 } };
    expect(parseArguments(fitArgs)).toEqual(expected);
    expect(parseArguments(['fit', '--unit=week', '--horizon=39', '--transactions=tx.csv', '--calibration-end=1997-09-30'])).toEqual(expected);
    expect(parseArguments(['fit', '--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], /missing the command/],
    [['predict'], /unknown command "predict"/],
    [fitArgs.slice(0, 7), /missing --horizon/],
    [[...fitArgs, '--unit', 'day'], /--unit is given more than once/],
    [[...fitArgs, '--seed', '1'], /unknown option --seed/],
    [[...fitArgs, 'extra'], /unexpected argument "extra"/],
    [['fit', '--transactions'], /--transactions needs a value/],
    [fitArgs.map((a) => (a === 'week' ? 'month' : a)), /--unit must be week or day/],
    [fitArgs.map((a) => (a === '1997-09-30' ? '1997-09-31' : a)), /--calibration-end "1997-09-31"/],
    [fitArgs.map((a) => (a === '39' ? '-1' : a)), /--horizon must be a number/],
    [fitArgs.map((a) => (a === '39' ? '1e3' : a)), /--horizon must be a number/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArguments(argv as string[])).toThrow(UsageError);
    expect(() => parseArguments(argv as string[])).toThrow(message);
  });
});

describe('runFit', () => {
  // a small made-up shop: a few loyal, some lapsed, some one-off customers
  const rows = ['customer_id,date,amount'];
  const addCustomer = (id: string, dates: string[], amount: string) => dates.forEach((d) => rows.push(`${id},${d},${amount}`));
  for (let i = 0; i < 12; i++) addCustomer(`loyal${i}`, ['2024-01-0' + ((i % 9) + 1), '2024-02-10', '2024-03-15', '2024-05-20', '2024-06-25'], `${20 + i}.50`);
  for (let i = 0; i < 10; i++) addCustomer(`lapsed${i}`, ['2024-01-1' + (i % 10), '2024-01-25'], `${10 + i}`);
  for (let i = 0; i < 20; i++) addCustomer(`once${i}`, ['2024-02-' + String(10 + i).padStart(2, '0')], '15');
  addCustomer('late', ['2024-07-15'], '30'); // after the calibration end
  const csv = rows.join('\n') + '\n';
  const options = { calibrationEndDay: dayNumberFromIsoDate('2024-06-30')!, unit: 'week' as const, horizon: 26 };

  it('prints the parameters and, per customer, P(alive), expected purchases and spend', () => {
    const { report, warnings } = runFit(csv, options);
    expect(warnings).toEqual([]);
    expect(Object.keys(report)).toEqual(['bgnbd', 'gammaGamma', 'customers']);
    expect(Object.keys(report.bgnbd)).toEqual(['r', 'alpha', 'a', 'b', 'logLikelihood']);
    expect(Object.keys(report.gammaGamma)).toEqual(['p', 'q', 'v', 'logLikelihood']);
    expect(report.customers).toHaveLength(42);
    expect(report.customers.map((c) => c.id)).not.toContain('late');

    const { r, alpha, a, b } = report.bgnbd;
    const { p, q, v } = report.gammaGamma;
    const loyal = report.customers.find((c) => c.id === 'loyal0')!;
    expect(Object.keys(loyal)).toEqual(['id', 'x', 'tx', 'T', 'pAlive', 'expectedPurchases', 'expectedSpend']);
    expect(loyal).toMatchObject({ x: 4, tx: (dayNumberFromIsoDate('2024-06-25')! - dayNumberFromIsoDate('2024-01-01')!) / 7 });
    expect(loyal.pAlive).toBe(probabilityAlive({ r, alpha, a, b }, loyal));
    expect(loyal.expectedPurchases).toBe(expectedPurchases({ r, alpha, a, b }, loyal, 26));
    expect(loyal.expectedSpend).toBeCloseTo(loyal.expectedPurchases * expectedAverageSpend({ p, q, v }, { x: 4, monetary: 20.5 }), 10);

    const once = report.customers.find((c) => c.id === 'once0')!;
    expect(once.expectedSpend).toBeCloseTo((once.expectedPurchases * p * v) / (q - 1), 10); // population mean spend

    const lapsed = report.customers.find((c) => c.id === 'lapsed0')!;
    expect(lapsed.pAlive).toBeLessThan(loyal.pAlive);
    for (const c of report.customers) {
      expect(c.pAlive).toBeGreaterThanOrEqual(0);
      expect(c.pAlive).toBeLessThanOrEqual(1);
      expect(c.expectedPurchases).toBeGreaterThanOrEqual(0);
      expect(c.expectedSpend).toBeGreaterThanOrEqual(0);
    }
  });

  it('refuses files it cannot fit', () => {
    expect(() => runFit('customer_id,date,amount\n', options)).toThrow(/no purchases on or before/);
    expect(() => runFit('customer_id,date,amount\n1,2024-01-01,5\n2,2024-02-01,5\n', options)).toThrow(/no customer has a repeat purchase/);
    expect(() => runFit('customer_id,date,amount\n1,2024-01-01,five\n', options)).toThrow(UsageError);
  });
});
