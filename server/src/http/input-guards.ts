import type { FastifyInstance } from 'fastify';
import { AppError } from './errors';

/** The first path in `value` holding a string with a NUL character, which PostgreSQL text cannot store. */
function nulPath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 64 || value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    const found = nulPath(child, `${path}/${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Refuses input no column could hold, before any route sees it. */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found = nulPath(request.body, 'body') ?? nulPath(request.query, 'querystring') ?? nulPath(request.params, 'params');
    if (found) throw new AppError('VALIDATION_FAILED', 'Text may not contain NUL characters', [{ path: found, message: 'contains a NUL character' }]);
  });
}
