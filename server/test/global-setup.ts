import { connectPostgres } from '../src/db/client';
import { TEMPLATE_ENV, urlForDatabase, withAdminClient } from './test-database';

/** Migrates one template database; every test file copies it (CREATE DATABASE … TEMPLATE), which takes milliseconds. */
export default async function globalSetup(): Promise<void> {
  const template = `memberloop_template_${process.pid}`;
  await withAdminClient(async (client) => {
    await client.query(`drop database if exists ${template} with (force)`);
    await client.query(`create database ${template}`);
  });
  const database = connectPostgres(urlForDatabase(template), { poolSize: 1 });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
  process.env[TEMPLATE_ENV] = template;
}
