/**
 * The `clv fit` command without its I/O: arguments → options, transactions text → the JSON report.
 * cli.ts reads the file and writes the output. Problems the user can fix are thrown as UsageError.
 */
import { expectedPurchases, fitBgNbd, probabilityAlive } from './bgnbd';
import { expectedAverageSpend, fitGammaGamma } from './gamma-gamma';
import { dayNumberFromIsoDate, summarizePurchases, type TimeUnit } from './summary';
import { parseTransactionsCsv } from './transactions-csv';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = [
  'usage: npm run --silent clv -- fit --transactions FILE.csv --calibration-end YYYY-MM-DD --unit week|day --horizon N',
  '',
  '  Fits the BG/NBD and Gamma-Gamma models by maximum likelihood to the purchases up to and including',
  '  the calibration end date and prints one JSON object: the parameters, and per customer P(alive),',
  '  the expected purchases in the next N units and the expected spend in them.',
  '',
  '  --transactions FILE.csv   header customer_id,date,amount; dates YYYY-MM-DD; amounts like 12.34',
  '  --calibration-end DATE    last day of the calibration period (YYYY-MM-DD)',
  '  --unit week|day           time unit of tx, T and the horizon',
  '  --horizon N               length of the prediction period in units (a number ≥ 0)',
].join('\n');

export interface FitOptions {
  transactionsFile: string;
  calibrationEndDay: number;
  unit: TimeUnit;
  horizon: number;
}

export type ParsedCommand = { kind: 'help' } | { kind: 'fit'; options: FitOptions };

const OPTION_NAMES = ['transactions', 'calibration-end', 'unit', 'horizon'] as const;
type OptionName = (typeof OPTION_NAMES)[number];

/** Parses `fit --transactions F --calibration-end D --unit U --horizon N` (also `--name=value`). */
export function parseArguments(argv: readonly string[]): ParsedCommand {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('missing the command: fit');
  if (command !== 'fit') throw new UsageError(`unknown command "${command}" (the only command is fit)`);

  const values = new Map<OptionName, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
    if (!(OPTION_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown option --${name}`);
    let value: string | undefined;
    if (equals !== -1) value = arg.slice(equals + 1);
    else {
      value = rest[i + 1];
      i++;
    }
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    if (values.has(name as OptionName)) throw new UsageError(`--${name} is given more than once`);
    values.set(name as OptionName, value);
  }
  for (const name of OPTION_NAMES) if (!values.has(name)) throw new UsageError(`missing --${name}`);

  const endText = values.get('calibration-end')!;
  const calibrationEndDay = dayNumberFromIsoDate(endText);
  if (calibrationEndDay === null) throw new UsageError(`--calibration-end "${endText}" is not a date in the form YYYY-MM-DD`);
  const unit = values.get('unit')!;
  if (unit !== 'week' && unit !== 'day') throw new UsageError(`--unit must be week or day, not "${unit}"`);
  const horizonText = values.get('horizon')!;
  const horizon = /^\d+(\.\d+)?$/.test(horizonText) ? Number(horizonText) : Number.NaN;
  if (!Number.isFinite(horizon)) throw new UsageError(`--horizon must be a number ≥ 0, not "${horizonText}"`);
  return { kind: 'fit', options: { transactionsFile: values.get('transactions')!, calibrationEndDay, unit, horizon } };
}

export interface ClvReport {
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number };
  gammaGamma: { p: number; q: number; v: number; logLikelihood: number };
  customers: {
    id: string;
    x: number;
    tx: number;
    T: number;
    pAlive: number;
    expectedPurchases: number;
    /** null when the fitted spend model has no finite mean for this customer (p·x + q ≤ 1) */
    expectedSpend: number | null;
  }[];
}

export interface ClvRun {
  report: ClvReport;
  /** for stderr: things that did not stop the run but the user should know */
  warnings: string[];
}

/** Summarises the transactions, fits both models and scores every customer. */
export function runFit(csvText: string, options: Omit<FitOptions, 'transactionsFile'>): ClvRun {
  const parsed = parseTransactionsCsv(csvText);
  if (!parsed.ok) throw new UsageError(parsed.error);
  const summaries = summarizePurchases(parsed.purchases, options.calibrationEndDay, options.unit);
  if (summaries.length === 0) throw new UsageError('no purchases on or before the calibration end date');
  const spenders = summaries.filter((s) => s.x >= 1 && s.repeatAmountFen > 0);
  if (spenders.length === 0) {
    throw new UsageError('no customer has a repeat purchase with a positive amount before the calibration end, so the spend model cannot be fitted');
  }

  const warnings: string[] = [];
  const bgnbd = fitBgNbd(summaries);
  if (bgnbd.status !== 'converged') warnings.push(`BG/NBD fit stopped without converging (${bgnbd.status})`);
  const gammaGamma = fitGammaGamma(spenders);
  if (gammaGamma.status !== 'converged') warnings.push(`Gamma-Gamma fit stopped without converging (${gammaGamma.status})`);
  const skipped = summaries.filter((s) => s.x >= 1 && s.repeatAmountFen === 0).length;
  if (skipped > 0) warnings.push(`${skipped} customer(s) whose repeat purchases total 0 were left out of the Gamma-Gamma fit`);

  let infiniteSpend = 0;
  const customers = summaries.map((s) => {
    const purchases = expectedPurchases(bgnbd.params, s, options.horizon);
    const averageSpend = expectedAverageSpend(gammaGamma.params, s);
    if (!Number.isFinite(averageSpend)) infiniteSpend++;
    return {
      id: s.id,
      x: s.x,
      tx: s.tx,
      T: s.T,
      pAlive: probabilityAlive(bgnbd.params, s),
      expectedPurchases: purchases,
      expectedSpend: Number.isFinite(averageSpend) ? purchases * averageSpend : null,
    };
  });
  if (infiniteSpend > 0) warnings.push(`the fitted spend model has no finite mean for ${infiniteSpend} customer(s); their expectedSpend is null`);

  return {
    report: {
      bgnbd: { ...bgnbd.params, logLikelihood: bgnbd.logLikelihood },
      gammaGamma: { ...gammaGamma.params, logLikelihood: gammaGamma.logLikelihood },
      customers,
    },
    warnings,
  };
}
