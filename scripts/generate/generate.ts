/**
 * Writes a generated brand into a migrated memberloop database: the brand (created or reused), its
 * stores and tier ladder, then members in chunks — each chunk's members, consent events, orders, order
 * items, refunds, behaviour events and tier rows go in with `COPY … FROM STDIN` inside one transaction,
 * several chunks at a time on separate connections while the next chunks are drawn.
 */
import { Client } from 'pg';
import { newId } from '../../shared/src/ids';
import { chinaDayOf, chinaDayStartMs, DAY_MS, dayNumber, seasonality } from './calendar';
import { buildCatalog, type Catalog } from './catalog';
import { CopyBuffer } from './copy-buffer';
import { copyRows } from './copy-in';
import { calibrateRateScale, simulateMember, storeCumulative, type GeneratedMember, type ProcessParams } from './member-process';
import { progressBar } from './progress';

export interface GenerateOptions {
  databaseUrl: string;
  members: number;
  seed: number;
  /** the brand's code: created when missing, otherwise members are added to it */
  brandCode?: string;
  /** the window's end (China date, exclusive); the window covers the two years before it; default today */
  end?: string;
  /** years of joins and purchases before the end */
  years?: number;
  /** mean orders per member the purchase rates are calibrated to */
  ordersPerMember?: number;
  /** stores of a new brand */
  stores?: number;
  /** views and cart adds */
  events?: boolean;
  /** members per transaction */
  chunkMembers?: number;
  /** parallel COPY connections */
  connections?: number;
  /** progress bar on stderr */
  progress?: boolean;
  /** load without foreign-key triggers where the role may (then check the references afterwards); default true */
  skipTriggers?: boolean;
}

export interface GenerateSummary {
  brandId: string;
  brandCode: string;
  seed: number;
  windowStart: string;
  end: string;
  members: number;
  orders: number;
  orderItems: number;
  refunds: number;
  events: number;
  consentEvents: number;
  memberTiers: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

export interface Tier {
  level: number;
  threshold: number;
}

const DEFAULT_TIERS = [
  { level: 0, name: '普通会员', threshold: 0 },
  { level: 1, name: '银卡会员', threshold: 100_000 },
  { level: 2, name: '金卡会员', threshold: 500_000 },
  { level: 3, name: '黑金会员', threshold: 1_500_000 },
];

const CITIES = ['上海', '北京', '杭州', '深圳', '广州', '成都', '南京', '武汉', '苏州', '西安', '重庆', '天津', '长沙', '青岛', '厦门', '宁波', '郑州', '沈阳', '昆明', '合肥'];
const REFUND_REASONS = ['尺码不合适', '不想要了', '质量问题', '重复购买'];

const COLUMNS = {
  members: ['id', 'brand_id', 'nickname', 'birthday', 'phone', 'phone_country_code', 'phone_bound_at', 'phone_bound_via', 'marketing_consent', 'consent_changed_at', 'join_scene_type', 'join_store_id', 'joined_at', 'created_at', 'updated_at'],
  consent_events: ['id', 'brand_id', 'member_id', 'granted', 'source', 'at'],
  orders: ['id', 'brand_id', 'member_id', 'store_id', 'channel', 'external_id', 'gross_fen', 'discount_fen', 'paid_fen', 'refunded_fen', 'status', 'occurred_at', 'created_at', 'updated_at'],
  order_items: ['id', 'brand_id', 'order_id', 'sku', 'name', 'category', 'quantity', 'unit_price_fen', 'amount_fen', 'refunded_quantity'],
  refunds: ['id', 'brand_id', 'order_id', 'external_id', 'amount_fen', 'reason', 'occurred_at', 'created_at'],
  events: ['id', 'brand_id', 'member_id', 'type', 'target', 'occurred_at'],
  member_tiers: ['brand_id', 'member_id', 'level', 'growth_value', 'level_since', 'updated_at'],
} as const;
type Table = keyof typeof COLUMNS;
const TABLES = Object.keys(COLUMNS) as Table[];

interface Chunk {
  rows: Record<Table, CopyBuffer>;
}

/** Today's date in China, the default end of the window. */
export function todayInChina(now = Date.now()): string {
  return new Date(chinaDayOf(now) * DAY_MS).toISOString().slice(0, 10);
}

/** The level a spend supports on a ladder sorted by level. */
export function levelFor(tiers: Tier[], growth: number): number {
  let level = 0;
  for (const tier of tiers) if (growth >= tier.threshold) level = Math.max(level, tier.level);
  return level;
}

/** Distinct 11-digit mobile numbers: 199 + a bijection of the member's ordinal modulo 10^8. */
export function phoneFor(ordinal: number): string {
  return `199${String((ordinal * 48_271 + 12_345_678) % 100_000_000).padStart(8, '0')}`;
}

export interface ChunkContext {
  brandId: string;
  storeIds: string[];
  catalog: Catalog;
  tiers: Tier[];
  tierWindowDays: number;
  endMs: number;
}

const NICKNAME_PREFIX = Buffer.from('会员', 'utf8');
const skuBytesCache = new WeakMap<Catalog, Buffer[]>();

/** Per SKU, its `sku\tname\tcategory` columns as UTF-8, made once. */
function skuBytes(catalog: Catalog): Buffer[] {
  let cached = skuBytesCache.get(catalog);
  if (!cached) {
    cached = catalog.skus.map((sku) => Buffer.from(`${sku.sku}\t${sku.name}\t${sku.category}`, 'utf8'));
    skuBytesCache.set(catalog, cached);
  }
  return cached;
}

export function emptyChunk(): Chunk {
  const rows = {} as Record<Table, CopyBuffer>;
  for (const table of TABLES) rows[table] = new CopyBuffer(table === 'order_items' ? 4 << 20 : 1 << 20);
  return { rows };
}

/** The COPY rows of one generated member, appended to `chunk`; `ordinal` numbers the member within the brand. */
export function appendMember(chunk: Chunk, context: ChunkContext, ordinal: number, member: GeneratedMember): void {
  const { brandId, storeIds, catalog } = context;
  const skus = skuBytes(catalog);
  const { members, consent_events, orders, order_items, refunds, events, member_tiers } = chunk.rows;
  const memberId = newId('member');

  members.ascii(memberId).tab().ascii(brandId).tab().bytes(NICKNAME_PREFIX).int(ordinal + 1).tab();
  if (member.birthday) members.ascii(member.birthday);
  else members.null();
  members.tab();
  if (member.phoneBound) members.ascii(phoneFor(ordinal)).tab().ascii('86').tab().timestamp(member.joinedAt + 60_000).tab().ascii(member.phoneVia);
  else members.null().tab().null().tab().null().tab().null();
  members.tab().bool(member.consent).tab();
  if (member.consent) members.timestamp(member.joinedAt);
  else members.null();
  members.tab();
  if (member.joinScene) members.ascii(member.joinScene).tab().ascii(storeIds[member.joinStore % storeIds.length]!);
  else members.null().tab().null();
  members.tab().timestamp(member.joinedAt).tab().timestamp(member.joinedAt).tab().timestamp(member.joinedAt).end();
  if (member.consent) consent_events.ascii(newId('consentEvent')).tab().ascii(brandId).tab().ascii(memberId).tab().bool(true).tab().ascii('join').tab().timestamp(member.joinedAt).end();

  const windowStart = context.endMs - context.tierWindowDays * DAY_MS;
  let growth = 0;
  for (const order of member.orders) {
    const orderId = newId('order');
    const refunded = order.refund?.amountFen ?? 0;
    const status = refunded === 0 ? 'completed' : refunded === order.paidFen ? 'refunded' : 'partially_refunded';
    orders.ascii(orderId).tab().ascii(brandId).tab().ascii(memberId).tab();
    if (order.store >= 0) orders.ascii(storeIds[order.store % storeIds.length]!);
    else orders.null();
    orders.tab().ascii(order.channel).tab().ascii(orderId).tab().int(order.grossFen).tab().int(order.discountFen).tab().int(order.paidFen).tab().int(refunded).tab().ascii(status);
    orders.tab().timestamp(order.at).tab().timestamp(order.at).tab().timestamp(order.refund ? order.refund.at : order.at).end();
    for (let i = 0; i < order.lines.length; i++) {
      const line = order.lines[i]!;
      order_items.ascii(newId('orderItem')).tab().ascii(brandId).tab().ascii(orderId).tab().bytes(skus[line.sku]!).tab();
      order_items.int(line.quantity).tab().int(line.unitPriceFen).tab().int(line.quantity * line.unitPriceFen).tab().int(order.refund?.line === i ? line.quantity : 0).end();
    }
    if (order.refund) {
      const refundId = newId('refund');
      refunds.ascii(refundId).tab().ascii(brandId).tab().ascii(orderId).tab().ascii(refundId).tab().int(order.refund.amountFen).tab().text(REFUND_REASONS[order.at % REFUND_REASONS.length]!);
      refunds.tab().timestamp(order.refund.at).tab().timestamp(order.refund.at).end();
    }
    if (order.at >= windowStart) growth += order.paidFen - refunded;
  }
  for (const event of member.events) {
    events.ascii(newId('event')).tab().ascii(brandId).tab().ascii(memberId).tab().ascii(event.type).tab().ascii(catalog.skus[event.sku]!.sku).tab().timestamp(event.at).end();
  }

  // the level the last window's spend supports, held since the order that crossed its threshold
  const level = levelFor(context.tiers, growth);
  let since = member.joinedAt;
  if (level > 0) {
    const threshold = context.tiers.find((tier) => tier.level === level)!.threshold;
    let running = 0;
    for (const order of member.orders) {
      if (order.at < windowStart) continue;
      running += order.paidFen - (order.refund?.amountFen ?? 0);
      if (running >= threshold) {
        since = order.at;
        break;
      }
    }
  }
  member_tiers.ascii(brandId).tab().ascii(memberId).tab().int(level).tab().int(growth).tab().timestamp(since).tab().timestamp(context.endMs).end();
}

async function ensureBrand(client: Client, code: string, storeCount: number): Promise<{ brandId: string; storeIds: string[]; tiers: Tier[]; tierWindowDays: number; existingMembers: number }> {
  await client.query('begin');
  try {
    await client.query(`insert into brands (id, code, name) values ($1, $2, $3) on conflict (code) do nothing`, [newId('brand'), code, `生成品牌 ${code}`]);
    const brandId: string = (await client.query(`select id from brands where code = $1`, [code])).rows[0].id;
    let storeIds: string[] = (await client.query(`select id from stores where brand_id = $1 and status = 'active' order by code`, [brandId])).rows.map((row) => row.id);
    if (storeIds.length === 0) {
      for (let i = 0; i < storeCount; i++) {
        const city = CITIES[i % CITIES.length]!;
        await client.query(`insert into stores (id, brand_id, code, name, address) values ($1, $2, $3, $4, $5)`, [
          newId('store'),
          brandId,
          `s${String(i + 1).padStart(3, '0')}`,
          i < CITIES.length ? `${city}旗舰店` : `${city}${Math.floor(i / CITIES.length) + 1}号店`,
          `${city}市`,
        ]);
      }
      storeIds = (await client.query(`select id from stores where brand_id = $1 and status = 'active' order by code`, [brandId])).rows.map((row) => row.id);
    }
    let tiers: Tier[] = (await client.query(`select level, threshold from tiers where brand_id = $1 order by level`, [brandId])).rows;
    if (tiers.length === 0) {
      for (const tier of DEFAULT_TIERS) {
        await client.query(`insert into tiers (id, brand_id, level, name, threshold) values ($1, $2, $3, $4, $5)`, [newId('tier'), brandId, tier.level, tier.name, tier.threshold]);
      }
      tiers = DEFAULT_TIERS.map(({ level, threshold }) => ({ level, threshold }));
    }
    await client.query(`insert into tier_settings (brand_id) values ($1) on conflict (brand_id) do nothing`, [brandId]);
    const settings = (await client.query(`select growth_basis, window_days from tier_settings where brand_id = $1`, [brandId])).rows[0];
    // levels follow spend; a brand whose ladder counts points (not generated) keeps everyone at level 0
    if (settings.growth_basis !== 'spend') tiers = [{ level: 0, threshold: 0 }];
    const existingMembers = Number((await client.query(`select count(*) as n from members where brand_id = $1`, [brandId])).rows[0].n);
    await client.query('commit');
    return { brandId, storeIds, tiers, tierWindowDays: settings.window_days, existingMembers };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  }
}

/** Ids this process makes from now on all sort after these (newId only increases), so they mark where a run began. */
export function idMarks() {
  return { member: newId('member'), consentEvent: newId('consentEvent'), order: newId('order'), orderItem: newId('orderItem'), refund: newId('refund'), event: newId('event') };
}

/**
 * Rows of the brand written since `marks` (see idMarks) whose foreign key finds no row — what the triggers would
 * have refused: all zero after a good load.
 */
export async function brokenReferences(client: Client, brandId: string, marks: ReturnType<typeof idMarks>): Promise<Record<string, number>> {
  await client.query(`set work_mem = '256MB'`);
  const { rows } = await client.query(
    `select
      (select count(*) from consent_events c where c.brand_id = $1 and c.id >= $2 and not exists (select 1 from members m where m.brand_id = c.brand_id and m.id = c.member_id)) as consent_events,
      (select count(*) from orders o where o.brand_id = $1 and o.id >= $3 and not exists (select 1 from members m where m.brand_id = o.brand_id and m.id = o.member_id)) as order_members,
      (select count(*) from orders o where o.brand_id = $1 and o.id >= $3 and o.store_id is not null and not exists (select 1 from stores s where s.brand_id = o.brand_id and s.id = o.store_id)) as order_stores,
      (select count(*) from order_items i where i.brand_id = $1 and i.id >= $4 and not exists (select 1 from orders o where o.brand_id = i.brand_id and o.id = i.order_id)) as order_items,
      (select count(*) from refunds r where r.brand_id = $1 and r.id >= $5 and not exists (select 1 from orders o where o.brand_id = r.brand_id and o.id = r.order_id)) as refunds,
      (select count(*) from events e where e.brand_id = $1 and e.id >= $6 and not exists (select 1 from members m where m.brand_id = e.brand_id and m.id = e.member_id)) as events,
      (select count(*) from member_tiers t where t.brand_id = $1 and t.member_id >= $7 and not exists (select 1 from members m where m.brand_id = t.brand_id and m.id = t.member_id)) as member_tiers`,
    [brandId, marks.consentEvent, marks.order, marks.orderItem, marks.refund, marks.event, marks.member],
  );
  await client.query(`reset work_mem`);
  return Object.fromEntries(Object.entries(rows[0] as Record<string, string>).map(([name, n]) => [name, Number(n)]));
}

/** Calibrated rate multipliers of this process, by seed, target and window: a second brand like the first skips the pilot. */
const rateScales = new Map<string, number>();

export async function generate(options: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  const brandCode = options.brandCode ?? 'gen';
  const end = options.end ?? todayInChina();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(end) || Number.isNaN(Date.parse(end))) throw new Error(`--end must be a date YYYY-MM-DD, not ${end}`);
  if (!Number.isInteger(options.members) || options.members < 0) throw new Error('members must be a whole number ≥ 0');
  const years = options.years ?? 2;
  const days = Math.round(years * 365);
  const endDay = dayNumber(end);
  const firstDay = endDay - days;
  const endMs = chinaDayStartMs(endDay);
  const chunkMembers = options.chunkMembers ?? 2000;
  const connections = Math.max(1, options.connections ?? 2);

  const admin = new Client({ connectionString: options.databaseUrl });
  await admin.connect();
  const writers: Client[] = [];
  try {
    const missing = (await admin.query(`select t from unnest($1::text[]) as t where to_regclass('public.' || t) is null`, [TABLES])).rows.map((row) => row.t);
    if (missing.length) throw new Error(`the database has no ${missing.join(', ')} table: run the server's migrations first`);
    const debug = (what: string) => process.env.GENERATE_DEBUG && process.stderr.write(`${what} at ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
    const brand = await ensureBrand(admin, brandCode, options.stores ?? 20);
    debug('brand');
    const catalog = buildCatalog();
    const season = seasonality(firstDay, days);
    const stores = storeCumulative(brand.storeIds.length);
    const base: Omit<ProcessParams, 'rateScale'> = { firstDay, days, seasonal: season.multipliers, seasonalMax: season.max, stores: brand.storeIds.length, events: options.events ?? true };
    const calibration = `${options.seed}:${options.ordersPerMember ?? 10}:${firstDay}:${days}:${brand.storeIds.length}`;
    if (!rateScales.has(calibration)) rateScales.set(calibration, calibrateRateScale(options.seed, options.ordersPerMember ?? 10, base, catalog, stores));
    const params: ProcessParams = { ...base, rateScale: rateScales.get(calibration)! };
    debug('calibrated');
    const context: ChunkContext = { brandId: brand.brandId, storeIds: brand.storeIds, catalog, tiers: brand.tiers, tierWindowDays: brand.tierWindowDays, endMs };

    const marks = idMarks();
    let triggersOff = options.skipTriggers ?? true;
    for (let i = 0; i < connections; i++) {
      const client = new Client({ connectionString: options.databaseUrl });
      await client.connect();
      await client.query(`set synchronous_commit = off`);
      // rows are consistent by construction, so the foreign-key triggers may be skipped while loading (a superuser
      // may do this); brokenReferences checks the same references afterwards, set-wise
      if (triggersOff) triggersOff = await client.query(`set session_replication_role = replica`).then(() => true, () => false);
      writers.push(client);
    }

    const totals = Object.fromEntries(TABLES.map((table) => [table, 0])) as Record<Table, number>;
    const bar = progressBar('generating', options.members, process.stderr, options.progress ?? true);
    let written = 0;
    let rows = 0;
    const writeChunk = async (client: Client, chunk: Chunk, size: number) => {
      await client.query('begin');
      try {
        for (const table of TABLES) {
          const t0 = performance.now();
          await copyRows(client, table, COLUMNS[table], chunk.rows[table].toBuffer());
          if (process.env.GENERATE_DEBUG) process.stderr.write(`${table} ${chunk.rows[table].rows} ${Math.round(performance.now() - t0)}ms\n`);
        }
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      }
      for (const table of TABLES) {
        totals[table] += chunk.rows[table].rows;
        rows += chunk.rows[table].rows;
      }
      written += size;
      const seconds = (performance.now() - started) / 1000;
      bar.update(written, `${totals.orders.toLocaleString('en-US')} orders · ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`);
    };

    // each writer takes the next chunk when it is free; drawing a chunk yields now and then so COPY data keeps flowing
    let next = 0;
    const draw = async (from: number, to: number): Promise<Chunk> => {
      const chunk = emptyChunk();
      for (let i = from; i < to; i++) {
        // the member's number in the brand picks its random stream: members added to a brand later are new people
        const ordinal = brand.existingMembers + i;
        appendMember(chunk, context, ordinal, simulateMember(options.seed, ordinal, params, catalog, stores));
        if ((i - from) % 250 === 249) await new Promise((resolve) => setImmediate(resolve));
      }
      return chunk;
    };
    let failure: unknown = null;
    await Promise.all(
      writers.map(async (client) => {
        while (next < options.members && !failure) {
          const from = next;
          const to = Math.min(options.members, from + chunkMembers);
          next = to;
          try {
            await writeChunk(client, await draw(from, to), to - from);
          } catch (error) {
            failure ??= error;
          }
        }
      }),
    );
    if (failure) throw failure;
    bar.finish(`${totals.orders.toLocaleString('en-US')} orders`);
    debug('loaded');
    if (triggersOff) {
      // replica mode also silenced the triggers that keep each member's purchase summary (server migration 0007)
      await admin.query('select rebuild_member_purchase_summaries($1)', [brand.brandId]);
      debug('purchase summaries rebuilt');
    }
    await admin.query(`analyze members, orders, order_items, refunds, events, member_tiers, consent_events, member_purchase_summaries`);
    debug('analyzed');
    if (triggersOff) {
      const broken = await brokenReferences(admin, brand.brandId, marks);
      const total = Object.values(broken).reduce((sum, n) => sum + n, 0);
      if (total > 0) throw new Error(`rows without their referenced row: ${JSON.stringify(broken)}`);
      debug('references checked');
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      brandId: brand.brandId,
      brandCode,
      seed: options.seed,
      windowStart: new Date(firstDay * DAY_MS).toISOString().slice(0, 10),
      end,
      members: totals.members,
      orders: totals.orders,
      orderItems: totals.order_items,
      refunds: totals.refunds,
      events: totals.events,
      consentEvents: totals.consent_events,
      memberTiers: totals.member_tiers,
      rows,
      seconds: Math.round(seconds * 100) / 100,
      rowsPerSecond: Math.round(rows / seconds),
    };
  } finally {
    await Promise.all(writers.map((client) => client.end().catch(() => {})));
    await admin.end().catch(() => {});
  }
}
