import fastifyJwt from '@fastify/jwt';
import type { StaffRole } from '@memberloop/shared';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from './errors';

export interface MemberClaims {
  kind: 'member';
  sub: string;
  brandId: string;
}

export interface StaffClaims {
  kind: 'staff';
  sub: string;
  brandId: string;
  role: StaffRole;
  storeIds: string[];
}

export type TokenClaims = MemberClaims | StaffClaims;

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
  }
}

/** Who is acting, for which brand: the first argument of every service method. */
export type RequestContext =
  | { brandId: string; actor: { type: 'member'; memberId: string } }
  | { brandId: string; actor: { type: 'staff'; staffId: string; role: StaffRole; storeIds: string[] } };

export type StaffContext = Extract<RequestContext, { actor: { type: 'staff' } }>;
export type MemberContext = Extract<RequestContext, { actor: { type: 'member' } }>;

/** Checks, per request, that the token's holder may still act (account not disabled since the token was issued). */
export interface PrincipalChecks {
  staff(claims: StaffClaims): Promise<StaffClaims>;
  member(claims: MemberClaims): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    context?: RequestContext;
  }
}

export async function registerAuth(app: FastifyInstance, secret: string): Promise<void> {
  await app.register(fastifyJwt, { secret, sign: { algorithm: 'HS256' }, verify: { algorithms: ['HS256'] } });
}

export function signToken(app: FastifyInstance, claims: TokenClaims, ttlSeconds: number): { token: string; expiresAt: string } {
  const token = app.jwt.sign(claims, { expiresIn: ttlSeconds });
  const { exp } = app.jwt.decode<{ exp: number }>(token) ?? { exp: 0 };
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

async function verifiedClaims(request: FastifyRequest): Promise<TokenClaims> {
  if (!request.headers.authorization) throw new AppError('UNAUTHENTICATED');
  try {
    const claims = await request.jwtVerify<TokenClaims>();
    if (claims.kind !== 'member' && claims.kind !== 'staff') throw new Error('unknown token kind');
    return claims;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('TOKEN_INVALID');
  }
}

/** onRequest hook: a member's token; sets request.context. */
export function requireMember(checks: PrincipalChecks): onRequestAsyncHookHandler {
  return async (request) => {
    const claims = await verifiedClaims(request);
    if (claims.kind !== 'member') throw new AppError('FORBIDDEN', 'This needs a member token');
    await checks.member(claims);
    request.context = { brandId: claims.brandId, actor: { type: 'member', memberId: claims.sub } };
  };
}

/** onRequest hook: a staff token with one of `roles` (admin may do everything an operator may). */
export function requireStaff(checks: PrincipalChecks, roles: readonly StaffRole[]): onRequestAsyncHookHandler {
  return async (request) => {
    const claims = await verifiedClaims(request);
    if (claims.kind !== 'staff') throw new AppError('FORBIDDEN', 'This needs a staff token');
    const current = await checks.staff(claims);
    if (!roles.includes(current.role)) throw new AppError('FORBIDDEN', `This needs one of the roles: ${roles.join(', ')}`);
    request.context = {
      brandId: current.brandId,
      actor: { type: 'staff', staffId: current.sub, role: current.role, storeIds: current.storeIds },
    };
  };
}

export function memberContext(request: FastifyRequest): MemberContext {
  const context = request.context;
  if (context?.actor.type !== 'member') throw new AppError('UNAUTHENTICATED');
  return context as MemberContext;
}

export function staffContext(request: FastifyRequest): StaffContext {
  const context = request.context;
  if (context?.actor.type !== 'staff') throw new AppError('UNAUTHENTICATED');
  return context as StaffContext;
}

export const ALL_STAFF_ROLES = ['clerk', 'operator', 'admin'] as const;
/** Operators and admins: the brand office, as opposed to clerks at the counter. */
export const OFFICE_ROLES = ['operator', 'admin'] as const;

/** Access check at the top of a service method: the staff member must hold one of `roles`. */
export function requireRole(context: StaffContext, roles: readonly StaffRole[]): void {
  if (!roles.includes(context.actor.role)) throw new AppError('FORBIDDEN', `This needs one of the roles: ${roles.join(', ')}`);
}

export function requireOffice(context: StaffContext): void {
  requireRole(context, OFFICE_ROLES);
}

/** A clerk acts only for their stores: the store given, or their only store when none is given. */
export function storeForClerk(context: StaffContext, storeId: string | undefined): string | null {
  const { role, storeIds } = context.actor;
  if (storeId) {
    if (role === 'clerk' && !storeIds.includes(storeId)) throw new AppError('STORE_NOT_ASSIGNED');
    return storeId;
  }
  if (role === 'clerk') {
    if (storeIds.length === 1) return storeIds[0]!;
    throw new AppError('VALIDATION_FAILED', 'storeId is required for a clerk with several stores', [
      { path: 'body/storeId', message: 'required when you work at several stores' },
    ]);
  }
  return null;
}
