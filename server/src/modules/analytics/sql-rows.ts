/** The rows of a `tx.execute(sql…)` result (typed unknown by the query layer; node-postgres and PGlite both carry `rows`). */
export function resultRows<T = Record<string, unknown>>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
