import { and, eq } from 'drizzle-orm';
import { newId, type Clock } from '@memberloop/shared';
import type { Db } from '../db/client';
import { withTransaction } from '../db/transaction';
import { brands, joinScenes, staff, staffStores, stores } from '../modules/brands/brands.tables';
import { hashPassword } from '../modules/brands';
import { consentEvents, memberIdentities, members } from '../modules/members/members.tables';

export const DEMO_BRAND_CODE = 'demo';
export const DEMO_PASSWORD = 'memberloop-demo';

const STORES = [
  { code: 'sh-jingan', name: '上海静安店', address: '上海市静安区南京西路1266号' },
  { code: 'sh-xuhui', name: '上海徐汇店', address: '上海市徐汇区衡山路8号' },
  { code: 'bj-sanlitun', name: '北京三里屯店', address: '北京市朝阳区三里屯路19号' },
] as const;

const STAFF = [
  { username: 'admin', displayName: '品牌管理员', role: 'admin', stores: [] },
  { username: 'operator', displayName: '运营 王敏', role: 'operator', stores: [] },
  { username: 'clerk1', displayName: '店员 李娜', role: 'clerk', stores: ['sh-jingan'] },
  { username: 'clerk2', displayName: '店员 张伟', role: 'clerk', stores: ['sh-xuhui', 'bj-sanlitun'] },
] as const;

const MEMBER_COUNT = 24;

export interface DemoSummary {
  brandId: string;
  brandCode: string;
  stores: { code: string; name: string; joinScene: string }[];
  logins: { username: string; role: string; password: string }[];
  members: number;
}

/** Loads the demo brand with stores, staff, join codes and members; running it again adds nothing. */
export async function seedDemo(db: Db, clock: Clock, appId: string, progress: (message: string) => void = () => {}): Promise<DemoSummary> {
  const now = clock.now();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return withTransaction(db, async (tx) => {
    await tx.insert(brands).values({ id: newId('brand'), code: DEMO_BRAND_CODE, name: '鹿鸣咖啡（演示品牌）' }).onConflictDoNothing();
    const [brand] = await tx.select().from(brands).where(eq(brands.code, DEMO_BRAND_CODE));
    const brandId = brand!.id;

    const storeIds = new Map<string, string>();
    for (const store of STORES) {
      await tx.insert(stores).values({ id: newId('store'), brandId, ...store }).onConflictDoNothing();
      const [row] = await tx.select().from(stores).where(and(eq(stores.brandId, brandId), eq(stores.code, store.code)));
      storeIds.set(store.code, row!.id);
    }
    progress(`stores: ${storeIds.size}`);

    const staffIds = new Map<string, string>();
    for (const account of STAFF) {
      await tx
        .insert(staff)
        .values({ id: newId('staff'), brandId, username: account.username, displayName: account.displayName, role: account.role, passwordHash })
        .onConflictDoNothing();
      const [row] = await tx.select().from(staff).where(and(eq(staff.brandId, brandId), eq(staff.username, account.username)));
      staffIds.set(account.username, row!.id);
      for (const code of account.stores) {
        await tx.insert(staffStores).values({ brandId, staffId: row!.id, storeId: storeIds.get(code)! }).onConflictDoNothing();
      }
    }
    progress(`staff: ${staffIds.size}`);

    const scenes: DemoSummary['stores'] = [];
    for (const store of STORES) {
      const storeId = storeIds.get(store.code)!;
      const scene = `DEMO-${store.code.toUpperCase()}`;
      await tx
        .insert(joinScenes)
        .values({ id: newId('joinScene'), brandId, scene, type: 'store', targetKey: `store:${storeId}`, storeId, page: 'pages/join/index' })
        .onConflictDoNothing();
      scenes.push({ code: store.code, name: store.name, joinScene: scene });
    }

    let created = 0;
    for (let i = 1; i <= MEMBER_COUNT; i++) {
      const openid = `demo-openid-${String(i).padStart(3, '0')}`;
      const [existing] = await tx.select().from(memberIdentities).where(and(eq(memberIdentities.brandId, brandId), eq(memberIdentities.openid, openid)));
      if (existing) continue;
      const store = STORES[i % STORES.length]!;
      const joinedAt = new Date(now.getTime() - (MEMBER_COUNT - i) * 3.5 * 86_400_000);
      const consent = i % 2 === 0;
      const phone = i % 3 === 0 ? null : `1380013${String(i).padStart(4, '0')}`;
      const memberId = newId('member', joinedAt.getTime());
      await tx.insert(members).values({
        id: memberId,
        brandId,
        nickname: `会员${String(i).padStart(2, '0')}`,
        birthday: `199${i % 10}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
        phone,
        phoneCountryCode: phone ? '86' : null,
        phoneBoundAt: phone ? joinedAt : null,
        phoneBoundVia: phone ? (i % 2 ? 'clerk' : 'wechat') : null,
        marketingConsent: consent,
        consentChangedAt: consent ? joinedAt : null,
        joinSceneType: i % 4 === 0 ? 'clerk' : 'store',
        joinStoreId: storeIds.get(store.code)!,
        joinStaffId: i % 4 === 0 ? staffIds.get(store.code === 'sh-jingan' ? 'clerk1' : 'clerk2')! : null,
        joinedAt,
        createdAt: joinedAt,
        updatedAt: joinedAt,
      });
      await tx.insert(memberIdentities).values({ id: newId('memberIdentity'), brandId, memberId, appId, openid, createdAt: joinedAt });
      if (consent) await tx.insert(consentEvents).values({ id: newId('consentEvent'), brandId, memberId, granted: true, source: 'join', at: joinedAt });
      created++;
    }
    progress(`members: ${created} created, ${MEMBER_COUNT - created} already there`);

    return {
      brandId,
      brandCode: DEMO_BRAND_CODE,
      stores: scenes,
      logins: STAFF.map((account) => ({ username: account.username, role: account.role, password: DEMO_PASSWORD })),
      members: MEMBER_COUNT,
    };
  });
}
