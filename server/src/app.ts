import { existsSync } from 'node:fs';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { systemClock, type Clock } from '@memberloop/shared';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Config } from './config';
import type { Database } from './db/client';
import type { ServiceDeps } from './deps';
import { registerAuth, type PrincipalChecks } from './http/auth';
import { devRoutes, isLoopbackUrl } from './http/dev.routes';
import { registerErrorHandling } from './http/errors';
import { registerInputGuards } from './http/input-guards';
import { loggerOptions } from './http/log-redaction';
import { healthRoutes } from './http/health.routes';
import { analyticsRoutes, createAnalyticsService } from './modules/analytics';
import { brandsRoutes, createBrandsService } from './modules/brands';
import { campaignsRoutes, createCampaignsService } from './modules/campaigns';
import { couponsRoutes, createCouponsService } from './modules/coupons';
import { createEventsService, eventsRoutes } from './modules/events';
import { createMallService, mallRoutes } from './modules/mall';
import { createMembersService, membersRoutes } from './modules/members';
import { createMessagingService, messagingRoutes } from './modules/messaging';
import { createOrdersService, netSpendBetween, ordersRoutes } from './modules/orders';
import { createPointsService, pointsRoutes } from './modules/points';
import { createTiersService, tiersRoutes } from './modules/tiers';
import { createWechatClient, type WechatClient } from './modules/wechat';

export interface AppOptions {
  config: Config;
  database: Database;
  clock?: Clock;
  wechat?: WechatClient;
  /** pino options, or false for no logs (tests) */
  logger?: boolean | object;
}

export function buildServices(deps: ServiceDeps) {
  const brands = createBrandsService(deps);
  const members = createMembersService(deps, brands);
  const points = createPointsService(deps);
  const tiers = createTiersService(deps, {
    spendFen: (tx, brandId, memberId, from, to) => netSpendBetween(tx, brandId, memberId, from, to),
    pointsEarned: (tx, brandId, memberId, from, to) => points.steps.pointsEarnedBetween(tx, brandId, memberId, from, to),
  }, { members });
  const coupons = createCouponsService(deps, { points, brands, members });
  const mall = createMallService(deps, { points, coupons, tiers, brands });
  const orders = createOrdersService(deps, { members, points, coupons, tiers });
  const events = createEventsService(deps);
  const analytics = createAnalyticsService(deps, { brands, members });
  const messaging = createMessagingService(deps);
  const campaigns = createCampaignsService(deps, { members, points, tiers, coupons, analytics, messaging });
  return { brands, members, points, tiers, coupons, mall, orders, events, analytics, messaging, campaigns };
}

export type Services = ReturnType<typeof buildServices>;

/** The whole HTTP API over one database; `main.ts` listens, tests use `app.inject`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance & { services: Services }> {
  const { config, database } = options;
  const clock = options.clock ?? systemClock;
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config.logLevel),
    bodyLimit: 1024 * 1024,
    trustProxy: config.env === 'production',
    // errors the router raises before any hook runs (malformed URL, over-long path parameter)
    frameworkErrors: (error, _request, reply) => {
      void (reply as FastifyReply).code(400).send({ code: 'VALIDATION_FAILED', message: error.message });
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const wechat =
    options.wechat ??
    createWechatClient({ ...config.wechat, clock, logger: app.log.child({ module: 'wechat' }) });
  const services = buildServices({ db: database.db, clock, wechat, config });
  const checks: PrincipalChecks = {
    staff: (claims) => services.brands.currentStaffClaims(claims),
    member: (claims) => services.members.checkMemberClaims(claims),
  };

  // Responses sent once the close has begun end their connection: Fastify answers requests that arrive while
  // closing with 503 and `Connection: close`, and the server closes idle connections, but a request already in
  // progress would leave its keep-alive connection open, and the close waiting the keep-alive timeout (72 s).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  registerErrorHandling(app);
  registerInputGuards(app);
  await app.register(cors, {
    origin: config.corsOrigins === '*' ? true : config.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    maxAge: 600,
  });
  await registerAuth(app, config.jwt.secret);
  await app.register(swagger, {
    openapi: {
      info: { title: 'memberloop API', version: '0.1.0', description: 'Members, stores, staff and WeChat sign-in for brands in China.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { ping: database.ping, databaseKind: database.kind });
  await app.register(brandsRoutes, { services: { brands: services.brands, staffTokenTtlSeconds: config.jwt.staffTtlSeconds }, checks });
  await app.register(membersRoutes, { services: { members: services.members, memberTokenTtlSeconds: config.jwt.memberTtlSeconds }, checks });
  await app.register(pointsRoutes, { services: { points: services.points }, checks });
  await app.register(tiersRoutes, { services: { tiers: services.tiers }, checks });
  await app.register(couponsRoutes, { services: { coupons: services.coupons }, checks });
  await app.register(mallRoutes, { services: { mall: services.mall }, checks });
  await app.register(ordersRoutes, { services: { orders: services.orders }, checks });
  await app.register(eventsRoutes, { services: { events: services.events }, checks });
  await app.register(analyticsRoutes, { services: { analytics: services.analytics }, checks });
  await app.register(messagingRoutes, { services: { messaging: services.messaging }, checks });
  await app.register(campaignsRoutes, { services: { campaigns: services.campaigns }, checks });

  if (config.env !== 'production' && isLoopbackUrl(config.wechat.baseUrl)) {
    await app.register(devRoutes, { wechatBaseUrl: config.wechat.baseUrl });
  }

  if (config.miniappH5Dir && existsSync(config.miniappH5Dir)) {
    await app.register(fastifyStatic, { root: config.miniappH5Dir, prefix: '/h5/', decorateReply: false });
  }

  return Object.assign(app, { services });
}
