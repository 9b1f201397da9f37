import { Type } from '@sinclair/typebox';
import {
  Brand,
  CreateJoinSceneBody,
  CreateStaffBody,
  CreateStoreBody,
  IdOf,
  JoinScene,
  JoinSceneWithImage,
  Staff,
  StaffLoginBody,
  StaffLoginResponse,
  Store,
  UpdateStaffBody,
  UpdateStoreBody,
} from '@memberloop/shared';
import { OFFICE_ROLES, ALL_STAFF_ROLES, requireStaff, signToken, staffContext } from '../../http/auth';
import { bearerAuth, errorResponses, type RoutesPlugin } from '../../http/route-kit';
import type { BrandsService } from './brands.service';

const ADMIN = ['admin'] as const;

const StoreParams = Type.Object({ storeId: IdOf('store') }, { additionalProperties: false });
const StaffParams = Type.Object({ staffId: IdOf('staff') }, { additionalProperties: false });
const JoinSceneParams = Type.Object({ joinSceneId: IdOf('joinScene') }, { additionalProperties: false });
const UpdateBrandBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
  { additionalProperties: false, minProperties: 1 },
);

export const brandsRoutes: RoutesPlugin<{ brands: BrandsService; staffTokenTtlSeconds: number }> = async (app, { services, checks }) => {
  const { brands } = services;
  const anyStaff = requireStaff(checks, ALL_STAFF_ROLES);
  const office = requireStaff(checks, OFFICE_ROLES);
  const admin = requireStaff(checks, ADMIN);

  app.post(
    '/auth/staff/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Staff login with brand code, username and password',
        body: StaffLoginBody,
        response: { 200: StaffLoginResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { brand, staff, claims } = await brands.login(request.body);
      request.log.info({ staffId: staff.id, brandId: brand.id, role: staff.role }, 'staff logged in');
      return { ...signToken(app, claims, services.staffTokenTtlSeconds), staff, brand };
    },
  );

  app.get(
    '/staff/me',
    { onRequest: anyStaff, schema: { tags: ['staff'], summary: 'The signed-in staff account and brand', security: bearerAuth, response: { 200: Type.Object({ staff: Staff, brand: Brand }), ...errorResponses } } },
    async (request) => brands.me(staffContext(request)),
  );

  app.get(
    '/brand',
    { onRequest: anyStaff, schema: { tags: ['brands'], summary: 'The staff member’s brand', security: bearerAuth, response: { 200: Brand, ...errorResponses } } },
    async (request) => brands.getBrand(staffContext(request)),
  );

  app.patch(
    '/brand',
    { onRequest: admin, schema: { tags: ['brands'], summary: 'Rename the brand or change its time zone', security: bearerAuth, body: UpdateBrandBody, response: { 200: Brand, ...errorResponses } } },
    async (request) => brands.updateBrand(staffContext(request), request.body),
  );

  app.get(
    '/stores',
    { onRequest: anyStaff, schema: { tags: ['stores'], summary: 'Stores (a clerk sees their own)', security: bearerAuth, response: { 200: Type.Array(Store), ...errorResponses } } },
    async (request) => brands.listStores(staffContext(request)),
  );

  app.post(
    '/stores',
    { onRequest: admin, schema: { tags: ['stores'], summary: 'Open a store', security: bearerAuth, body: CreateStoreBody, response: { 201: Store, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await brands.createStore(staffContext(request), request.body)),
  );

  app.get(
    '/stores/:storeId',
    { onRequest: anyStaff, schema: { tags: ['stores'], security: bearerAuth, params: StoreParams, response: { 200: Store, ...errorResponses } } },
    async (request) => brands.getStore(staffContext(request), request.params.storeId),
  );

  app.patch(
    '/stores/:storeId',
    { onRequest: admin, schema: { tags: ['stores'], summary: 'Rename, move or disable a store', security: bearerAuth, params: StoreParams, body: UpdateStoreBody, response: { 200: Store, ...errorResponses } } },
    async (request) => brands.updateStore(staffContext(request), request.params.storeId, request.body),
  );

  app.get(
    '/staff',
    { onRequest: office, schema: { tags: ['staff'], summary: 'Staff accounts of the brand', security: bearerAuth, response: { 200: Type.Array(Staff), ...errorResponses } } },
    async (request) => brands.listStaff(staffContext(request)),
  );

  app.post(
    '/staff',
    { onRequest: admin, schema: { tags: ['staff'], summary: 'Create a staff account', security: bearerAuth, body: CreateStaffBody, response: { 201: Staff, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await brands.createStaff(staffContext(request), request.body)),
  );

  app.get(
    '/staff/:staffId',
    { onRequest: anyStaff, schema: { tags: ['staff'], security: bearerAuth, params: StaffParams, response: { 200: Staff, ...errorResponses } } },
    async (request) => brands.getStaff(staffContext(request), request.params.staffId),
  );

  app.patch(
    '/staff/:staffId',
    { onRequest: admin, schema: { tags: ['staff'], summary: 'Change role, stores, password or status', security: bearerAuth, params: StaffParams, body: UpdateStaffBody, response: { 200: Staff, ...errorResponses } } },
    async (request) => brands.updateStaff(staffContext(request), request.params.staffId, request.body),
  );

  app.post(
    '/join-scenes',
    {
      onRequest: anyStaff,
      schema: {
        tags: ['join codes'],
        summary: 'Get the join code (mini-program code) of a store, a clerk or a campaign',
        description: 'One scene per target: asking again returns the same scene. Clerks may only ask for their own clerk code.',
        security: bearerAuth,
        body: CreateJoinSceneBody,
        response: { 200: JoinSceneWithImage, ...errorResponses },
      },
    },
    async (request) => brands.createJoinScene(staffContext(request), request.body),
  );

  app.get(
    '/join-scenes',
    { onRequest: anyStaff, schema: { tags: ['join codes'], security: bearerAuth, response: { 200: Type.Array(JoinScene), ...errorResponses } } },
    async (request) => brands.listJoinScenes(staffContext(request)),
  );

  app.get(
    '/join-scenes/:joinSceneId/code',
    {
      onRequest: anyStaff,
      schema: {
        tags: ['join codes'],
        summary: 'The mini-program code image (PNG or JPEG) of a join scene',
        security: bearerAuth,
        params: JoinSceneParams,
        querystring: Type.Object(
          {
            envVersion: Type.Optional(Type.Union([Type.Literal('release'), Type.Literal('trial'), Type.Literal('develop')])),
            width: Type.Optional(Type.Integer({ minimum: 280, maximum: 1280 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'PNG or JPEG image' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { contentType, image } = await brands.joinSceneImage(staffContext(request), request.params.joinSceneId, request.query);
      return reply.header('content-type', contentType).header('cache-control', 'private, max-age=3600').send(image);
    },
  );
};
