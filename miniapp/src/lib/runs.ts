export interface Run {
  dark: boolean;
  length: number;
}

/** Consecutive equal modules of a row merged into runs, so a row draws with a few views. */
export function runsOf(row: readonly boolean[]): Run[] {
  const runs: Run[] = [];
  for (const dark of row) {
    const last = runs[runs.length - 1];
    if (last && last.dark === dark) last.length++;
    else runs.push({ dark, length: 1 });
  }
  return runs;
}
