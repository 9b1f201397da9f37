import { Type } from '@sinclair/typebox';
import { ErrorResponse } from '@memberloop/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from './errors';

export const healthRoutes: FastifyPluginAsyncTypebox<{ ping: () => Promise<boolean>; databaseKind: string }> = async (app, { ping, databaseKind }) => {
  app.get(
    '/health',
    { schema: { tags: ['health'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers',
        response: { 200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }), 503: ErrorResponse },
      },
    },
    async () => {
      if (!(await ping())) throw new AppError('NOT_READY', 'The database does not answer');
      return { status: 'ready' as const, database: databaseKind };
    },
  );
};
