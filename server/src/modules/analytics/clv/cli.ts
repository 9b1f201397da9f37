/**
 * The CLV command line (run through `npm run --silent clv -- fit …` from the repository root, see
 * scripts/clv.mjs): reads the transactions file, prints one JSON object on stdout. User errors
 * (arguments, the file) print one message on stderr and exit with code 2; anything else is a bug
 * and exits with 1.
 */
import { readFileSync } from 'node:fs';
import { parseArguments, runFit, USAGE, UsageError } from './clv-command';

function readTransactions(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? error);
    throw new UsageError(`cannot read the transactions file ${file}: ${reason}`);
  }
}

function main(argv: readonly string[]): number {
  try {
    const command = parseArguments(argv);
    if (command.kind === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const { transactionsFile, ...options } = command.options;
    const { report, warnings } = runFit(readTransactions(transactionsFile), options);
    for (const warning of warnings) process.stderr.write(`clv: warning: ${warning}\n`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`clv: ${error.message}\n${USAGE.split('\n')[0]}\n`);
      return 2;
    }
    process.stderr.write(`clv: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
