/** Every table, for Drizzle's typed queries and for drizzle-kit to generate migrations. */
export * from '../modules/brands/brands.tables';
export * from '../modules/members/members.tables';
export * from '../modules/audit/audit.tables';
