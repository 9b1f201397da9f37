import { ErrorResponse } from '@memberloop/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PrincipalChecks } from './auth';

/** Error responses every route documents, so the OpenAPI document shows the `{ code, message }` shape. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
  429: ErrorResponse,
  503: ErrorResponse,
} as const;

export const bearerAuth = [{ bearerAuth: [] }];

export type RoutesPlugin<Services> = FastifyPluginAsyncTypebox<{ services: Services; checks: PrincipalChecks }>;
