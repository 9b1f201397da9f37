import { TEMPLATE_ENV, withAdminClient } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const template = process.env[TEMPLATE_ENV];
  if (template) await withAdminClient((client) => client.query(`drop database if exists ${template} with (force)`));
}
