import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { connectPostgres, type Database } from '../src/db/client';

export const TEMPLATE_ENV = 'MEMBERLOOP_TEST_TEMPLATE_DB';

export function testServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set. Run `npm test` at the repository root (it starts a throwaway PostgreSQL), or point TEST_DATABASE_URL at a PostgreSQL server you can create databases on.',
    );
  }
  return url;
}

export function urlForDatabase(name: string): string {
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file, copied from the template the global setup migrated. */
export async function createTestDatabase(): Promise<Database & { name: string; drop(): Promise<void> }> {
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error('the jest global setup did not run (no template database)');
  const name = `memberloop_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`create database ${name} template ${template}`));
  const database = connectPostgres(urlForDatabase(name), { poolSize: 20 });
  return {
    ...database,
    name,
    async drop() {
      await database.close();
      await withAdminClient((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}
