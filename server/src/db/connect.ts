import type { Config } from '../config';
import { connectPglite, connectPostgres, type Database } from './client';

/** A real PostgreSQL server when DATABASE_URL is set, otherwise the embedded one in PGLITE_DIR. */
export async function connectDatabase(config: Config): Promise<Database> {
  return 'url' in config.database
    ? connectPostgres(config.database.url, { poolSize: config.database.poolSize })
    : connectPglite(config.database.pgliteDir);
}
