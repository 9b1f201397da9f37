import {
  randomCode,
  newId,
  isValidTimeZone,
  type Brand,
  type CreateJoinSceneBody,
  type CreateStaffBody,
  type CreateStoreBody,
  type JoinScene,
  type Staff,
  type StaffLoginBody,
  type Store,
  type UpdateStaffBody,
  type UpdateStoreBody,
} from '@memberloop/shared';
import type { ServiceDeps } from '../../deps';
import { isUniqueViolation, withTransaction } from '../../db/transaction';
import type { StaffClaims, StaffContext } from '../../http/auth';
import { AppError } from '../../http/errors';
import { auditActor, recordAudit } from '../audit';
import { wechatFailure } from '../wechat';
import * as repo from './brands.repository';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './password';
import { requireRole, requireOffice } from '../../http/auth';

/** The mini-program page a join code opens. */
export const JOIN_PAGE = 'pages/join/index';

const toBrand = (row: repo.BrandRow): Brand => ({
  id: row.id,
  code: row.code,
  name: row.name,
  timeZone: row.timeZone,
  status: row.status,
  createdAt: row.createdAt.toISOString(),
});

const toStore = (row: repo.StoreRow): Store => ({
  id: row.id,
  brandId: row.brandId,
  code: row.code,
  name: row.name,
  address: row.address,
  status: row.status,
  createdAt: row.createdAt.toISOString(),
});

const toStaff = (row: repo.StaffWithStores): Staff => ({
  id: row.id,
  brandId: row.brandId,
  username: row.username,
  displayName: row.displayName,
  role: row.role,
  storeIds: row.storeIds,
  status: row.status,
  createdAt: row.createdAt.toISOString(),
  lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
});

const toJoinScene = (row: repo.JoinSceneRow): JoinScene => ({
  id: row.id,
  brandId: row.brandId,
  scene: row.scene,
  type: row.type,
  storeId: row.storeId,
  staffId: row.staffId,
  campaignId: row.campaignId,
  page: row.page,
  createdAt: row.createdAt.toISOString(),
});

export type BrandsService = ReturnType<typeof createBrandsService>;

export function createBrandsService({ db, clock, wechat, config }: ServiceDeps) {
  async function activeBrand(brand: repo.BrandRow | undefined): Promise<repo.BrandRow> {
    if (!brand) throw new AppError('BRAND_NOT_FOUND');
    if (brand.status !== 'active') throw new AppError('BRAND_DISABLED');
    return brand;
  }

  async function assertStoresInBrand(tx: typeof db, brandId: string, storeIds: string[]) {
    const found = await repo.countStoresInBrand(tx, brandId, storeIds);
    if (found !== new Set(storeIds).size) throw new AppError('STORE_NOT_FOUND', 'One of the stores does not exist in this brand or is disabled');
  }

  async function existingStaff(tx: typeof db, brandId: string, staffId: string) {
    const row = await repo.findStaff(tx, brandId, staffId);
    if (!row) throw new AppError('STAFF_NOT_FOUND');
    return row;
  }

  async function joinSceneImage(context: StaffContext, joinSceneId: string, options: { envVersion?: 'release' | 'trial' | 'develop'; width?: number } = {}) {
    const row = await repo.findJoinScene(db, context.brandId, joinSceneId);
    if (!row || (context.actor.role === 'clerk' && row.staffId !== context.actor.staffId)) throw new AppError('JOIN_SCENE_NOT_FOUND');
    try {
      return await wechat.miniProgramCode({ scene: row.scene, page: row.page, envVersion: options.envVersion ?? config.wechat.codeEnvVersion, width: options.width, checkPath: (options.envVersion ?? config.wechat.codeEnvVersion) === 'release' });
    } catch (error) {
      throw wechatFailure(error);
    }
  }

  return {
    joinSceneImage,

    /** For other modules, inside their transaction. */
    steps: {
      existingStoreIds: (tx: typeof db, brandId: string, storeIds: string[]) => repo.existingStoreIds(tx, brandId, storeIds),
      storeStatus: async (tx: typeof db, brandId: string, storeId: string) => (await repo.findStore(tx, brandId, storeId))?.status,
    },

    async activeBrandById(brandId: string) {
      return toBrand(await activeBrand(await repo.findBrandById(db, brandId)));
    },

    async activeBrandByCode(code: string) {
      return toBrand(await activeBrand(await repo.findBrandByCode(db, code)));
    },

    /** Resolves a scanned scene to its brand and join target; unknown scenes are an error, not a silent default. */
    async resolveJoinScene(scene: string): Promise<JoinScene> {
      const row = await repo.findJoinSceneByScene(db, scene);
      if (!row) throw new AppError('JOIN_SCENE_NOT_FOUND');
      await activeBrand(await repo.findBrandById(db, row.brandId));
      return toJoinScene(row);
    },

    async login(body: StaffLoginBody): Promise<{ brand: Brand; staff: Staff; claims: StaffClaims }> {
      const brand = await repo.findBrandByCode(db, body.brandCode.trim().toLowerCase());
      const account = brand ? await repo.findStaffByUsername(db, brand.id, body.username.trim()) : undefined;
      const passwordOk = await verifyPassword(body.password, account?.passwordHash ?? DUMMY_PASSWORD_HASH);
      if (!brand || !account || !passwordOk) throw new AppError('INVALID_CREDENTIALS');
      if (brand.status !== 'active') throw new AppError('BRAND_DISABLED');
      if (account.status !== 'active') throw new AppError('ACCOUNT_DISABLED');
      const now = clock.now();
      await repo.updateStaff(db, brand.id, account.id, { lastLoginAt: now }, now);
      const staff = toStaff({ ...account, lastLoginAt: now });
      return {
        brand: toBrand(brand),
        staff,
        claims: { kind: 'staff', sub: staff.id, brandId: brand.id, role: staff.role, storeIds: staff.storeIds },
      };
    },

    /** Per-request check of a staff token: the account must still be active; role and stores come fresh from the database. */
    async currentStaffClaims(claims: StaffClaims): Promise<StaffClaims> {
      const account = await repo.findStaff(db, claims.brandId, claims.sub);
      if (!account) throw new AppError('TOKEN_INVALID');
      if (account.status !== 'active') throw new AppError('ACCOUNT_DISABLED');
      return { ...claims, role: account.role, storeIds: account.storeIds };
    },

    async me(context: StaffContext) {
      const brand = await repo.findBrandById(db, context.brandId);
      const account = await existingStaff(db, context.brandId, context.actor.staffId);
      return { brand: toBrand(brand!), staff: toStaff(account) };
    },

    async getBrand(context: StaffContext) {
      return toBrand((await repo.findBrandById(db, context.brandId))!);
    },

    async updateBrand(context: StaffContext, body: { name?: string; timeZone?: string }) {
      requireRole(context, ['admin']);
      if (body.timeZone !== undefined && !isValidTimeZone(body.timeZone)) {
        throw new AppError('VALIDATION_FAILED', 'timeZone is not an IANA time zone', [{ path: 'body/timeZone', message: 'unknown time zone' }]);
      }
      return withTransaction(db, async (tx) => {
        const row = await repo.updateBrand(tx, context.brandId, body, clock.now());
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'brand.updated', targetType: 'brand', targetId: context.brandId, data: body, at: clock.now() });
        return toBrand(row!);
      });
    },

    /** Clerks see their own stores; operators and admins see all. */
    async listStores(context: StaffContext) {
      const onlyIds = context.actor.role === 'clerk' ? context.actor.storeIds : undefined;
      return (await repo.listStores(db, context.brandId, onlyIds)).map(toStore);
    },

    async getStore(context: StaffContext, storeId: string) {
      if (context.actor.role === 'clerk' && !context.actor.storeIds.includes(storeId)) throw new AppError('STORE_NOT_FOUND');
      const row = await repo.findStore(db, context.brandId, storeId);
      if (!row) throw new AppError('STORE_NOT_FOUND');
      return toStore(row);
    },

    async createStore(context: StaffContext, body: CreateStoreBody) {
      requireRole(context, ['admin']);
      const now = clock.now();
      try {
        return await withTransaction(db, async (tx) => {
          const row = await repo.insertStore(tx, { id: newId('store', now.getTime()), brandId: context.brandId, code: body.code, name: body.name, address: body.address ?? null, createdAt: now, updatedAt: now });
          await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'store.created', targetType: 'store', targetId: row.id, data: { code: body.code }, at: now });
          return toStore(row);
        });
      } catch (error) {
        if (isUniqueViolation(error, 'stores_brand_code_unique')) throw new AppError('STORE_CODE_TAKEN');
        throw error;
      }
    },

    async updateStore(context: StaffContext, storeId: string, body: UpdateStoreBody) {
      requireRole(context, ['admin']);
      return withTransaction(db, async (tx) => {
        const row = await repo.updateStore(tx, context.brandId, storeId, body, clock.now());
        if (!row) throw new AppError('STORE_NOT_FOUND');
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'store.updated', targetType: 'store', targetId: storeId, data: body, at: clock.now() });
        return toStore(row);
      });
    },

    async listStaff(context: StaffContext) {
      requireOffice(context);
      return (await repo.listStaff(db, context.brandId)).map(toStaff);
    },

    async getStaff(context: StaffContext, staffId: string) {
      if (context.actor.role === 'clerk' && staffId !== context.actor.staffId) throw new AppError('FORBIDDEN');
      return toStaff(await existingStaff(db, context.brandId, staffId));
    },

    async createStaff(context: StaffContext, body: CreateStaffBody) {
      requireRole(context, ['admin']);
      const storeIds = body.storeIds ?? [];
      if (body.role === 'clerk' && storeIds.length === 0) throw new AppError('CLERK_NEEDS_STORE');
      const now = clock.now();
      const passwordHash = await hashPassword(body.password);
      try {
        return await withTransaction(db, async (tx) => {
          await assertStoresInBrand(tx, context.brandId, storeIds);
          const row = await repo.insertStaff(tx, {
            id: newId('staff', now.getTime()),
            brandId: context.brandId,
            username: body.username,
            displayName: body.displayName,
            passwordHash,
            role: body.role,
            createdAt: now,
            updatedAt: now,
          });
          await repo.replaceStaffStores(tx, context.brandId, row.id, storeIds);
          await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'staff.created', targetType: 'staff', targetId: row.id, data: { username: body.username, role: body.role, storeIds }, at: now });
          return toStaff({ ...row, storeIds });
        });
      } catch (error) {
        if (isUniqueViolation(error, 'staff_brand_username_unique')) throw new AppError('USERNAME_TAKEN');
        throw error;
      }
    },

    async updateStaff(context: StaffContext, staffId: string, body: UpdateStaffBody) {
      requireRole(context, ['admin']);
      if (staffId === context.actor.staffId && ((body.role && body.role !== 'admin') || body.status === 'disabled')) {
        throw new AppError('CANNOT_CHANGE_OWN_ACCOUNT');
      }
      const now = clock.now();
      const passwordHash = body.password ? await hashPassword(body.password) : undefined;
      return withTransaction(db, async (tx) => {
        const current = await existingStaff(tx, context.brandId, staffId);
        const role = body.role ?? current.role;
        const storeIds = body.storeIds ?? current.storeIds;
        if (role === 'clerk' && storeIds.length === 0) throw new AppError('CLERK_NEEDS_STORE');
        if (body.storeIds) {
          await assertStoresInBrand(tx, context.brandId, body.storeIds);
          await repo.replaceStaffStores(tx, context.brandId, staffId, body.storeIds);
        }
        const row = await repo.updateStaff(tx, context.brandId, staffId, { displayName: body.displayName, role: body.role, status: body.status, passwordHash }, now);
        const { password: _password, ...audited } = body;
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'staff.updated', targetType: 'staff', targetId: staffId, data: { ...audited, passwordChanged: Boolean(body.password) }, at: now });
        return toStaff({ ...row!, storeIds });
      });
    },

    /**
     * A join code for a store, a clerk or a campaign: one scene per target (asking again returns the same scene),
     * and the mini-program code image from WeChat carrying it.
     */
    async createJoinScene(context: StaffContext, body: CreateJoinSceneBody) {
      const { actor } = context;
      let storeId = body.storeId ?? null;
      let staffId: string | null = null;
      let campaignId: string | null = null;
      let targetKey: string;
      if (body.type === 'store') {
        requireOffice(context);
        if (!storeId) throw new AppError('VALIDATION_FAILED', 'storeId is required for a store code', [{ path: 'body/storeId', message: 'required' }]);
        targetKey = `store:${storeId}`;
      } else if (body.type === 'clerk') {
        staffId = body.staffId ?? (actor.role === 'clerk' ? actor.staffId : null);
        if (!staffId) throw new AppError('VALIDATION_FAILED', 'staffId is required for a clerk code', [{ path: 'body/staffId', message: 'required' }]);
        if (actor.role === 'clerk' && staffId !== actor.staffId) throw new AppError('FORBIDDEN', 'Clerks can only make their own join code');
        const clerk = await existingStaff(db, context.brandId, staffId);
        if (clerk.role !== 'clerk' || clerk.status !== 'active') throw new AppError('STAFF_NOT_FOUND', 'No active clerk with this id');
        storeId ??= clerk.storeIds[0] ?? null;
        if (storeId && !clerk.storeIds.includes(storeId)) throw new AppError('STORE_NOT_ASSIGNED', 'The clerk does not work at this store');
        targetKey = `clerk:${staffId}@${storeId ?? '-'}`;
      } else {
        requireOffice(context);
        campaignId = body.campaignId ?? null;
        if (!campaignId) throw new AppError('VALIDATION_FAILED', 'campaignId is required for a campaign code', [{ path: 'body/campaignId', message: 'required' }]);
        targetKey = `campaign:${campaignId}@${storeId ?? '-'}`;
      }
      if (storeId) {
        const store = await repo.findStore(db, context.brandId, storeId);
        if (!store || store.status !== 'active') throw new AppError('STORE_NOT_FOUND');
      }
      const now = clock.now();
      const row = await withTransaction(db, async (tx) => {
        const scene = await repo.upsertJoinScene(tx, {
          id: newId('joinScene', now.getTime()),
          brandId: context.brandId,
          scene: randomCode(10),
          type: body.type,
          targetKey,
          storeId,
          staffId,
          campaignId,
          page: JOIN_PAGE,
          createdBy: 'staffId' in actor ? actor.staffId : null,
          createdAt: now,
        });
        if (scene.createdAt.getTime() === now.getTime()) {
          await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'join_scene.created', targetType: 'join_scene', targetId: scene.id, data: { targetKey }, at: now });
        }
        return scene;
      });
      const image = await joinSceneImage(context, row.id, { envVersion: body.envVersion, width: body.width });
      return { joinScene: toJoinScene(row), image: { contentType: image.contentType, base64: image.image.toString('base64') } };
    },

    async listJoinScenes(context: StaffContext) {
      const rows = await repo.listJoinScenes(db, context.brandId);
      const visible = context.actor.role === 'clerk' ? rows.filter((row) => row.staffId === context.actor.staffId) : rows;
      return visible.map(toJoinScene);
    },

  };
}
