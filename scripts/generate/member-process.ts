/**
 * One member's history, drawn from a BG/NBD-style process with Gamma-Gamma spend:
 *
 * - joins at a time spread over the window (more joins lately, and around shopping festivals);
 * - purchase rate λ ~ Gamma(r, scale) per day, purchases a Poisson process thinned by the seasonal
 *   multiplier of each day; after each purchase the member drops out with probability p ~ Beta(a, b);
 * - spend: ν ~ Gamma(q, 1/γ) per member, each order's target value ~ Gamma(p, 1/ν), filled with items;
 * - category preferences ~ Dirichlet around a persona, a few favourite SKUs bought again, and bundles:
 *   buying one SKU of a bundle often adds a partner to the same order or to a later one;
 * - some orders are discounted by a coupon, a few are refunded (one line), and views and cart adds
 *   happen before purchases (and sometimes after a member stopped buying).
 *
 * Pure: the same (seed, index, params) gives the same member.
 */
import { chinaDayStartMs, DAY_MS } from './calendar';
import type { Catalog } from './catalog';
import { createRandom, cumulative, type Random } from './random';

export interface ProcessParams {
  /** first China-time day of the window (day number) */
  firstDay: number;
  /** days in the window; the window ends at the start of day firstDay + days */
  days: number;
  /** seasonal multiplier per day of the window and their maximum */
  seasonal: Float64Array;
  seasonalMax: number;
  stores: number;
  /** multiplies every member's purchase rate; calibrated so the mean number of orders hits a target */
  rateScale: number;
  /** include views and cart adds */
  events: boolean;
}

/** The process's shape parameters (see the top of this file). */
export const SHAPE = {
  /** Gamma shape of the purchase rate (lower: more heterogeneous) */
  rateShape: 0.9,
  /** mean purchase rate per day before calibration */
  rateMean: 1 / 30,
  /** Beta(a, b) of the dropout probability after each purchase (mean a / (a + b) ≈ 0.1) */
  dropoutA: 1.4,
  dropoutB: 12,
  /** Gamma-Gamma: order value ~ Gamma(p, 1/ν), ν ~ Gamma(q, 1/γ); mean order value p·γ/(q − 1) = 300 yuan */
  spendP: 6,
  spendQ: 3.8,
  spendGammaFen: 14_000,
  /** share of members who buy when they join */
  buyAtJoin: 0.75,
  /** joins grow over the window: the density at the end is (1 + joinGrowth) times that at the start */
  joinGrowth: 1,
  favourites: 3,
  repeatFavourite: 0.3,
  bundleSameOrder: 0.35,
  bundleLater: 0.45,
  discountShare: 0.18,
  refundShare: 0.015,
  viewShare: 0.3,
  cartShare: 0.12,
  browseAfterDropout: 0.25,
};

const COUPON_VALUES_FEN = [1000, 2000, 3000, 5000, 10000];

export type Channel = 'store' | 'miniapp' | 'online';

export interface GeneratedLine {
  sku: number;
  quantity: number;
  unitPriceFen: number;
}

export interface GeneratedOrder {
  at: number;
  channel: Channel;
  /** store index, or -1 for online and mini-program orders */
  store: number;
  lines: GeneratedLine[];
  grossFen: number;
  discountFen: number;
  paidFen: number;
  /** one refunded line, or null */
  refund: { line: number; amountFen: number; at: number } | null;
}

export interface GeneratedEvent {
  type: 'view_item' | 'cart_add';
  sku: number;
  at: number;
}

export interface GeneratedMember {
  joinedAt: number;
  joinStore: number;
  /** null: joined online, with no scene */
  joinScene: 'store' | null;
  birthday: string | null;
  phoneBound: boolean;
  phoneVia: 'wechat' | 'clerk';
  consent: boolean;
  persona: number;
  orders: GeneratedOrder[];
  events: GeneratedEvent[];
}

/** Store weights: a few flagship stores take most of the traffic. */
export function storeCumulative(stores: number): Float64Array {
  return cumulative(Array.from({ length: stores }, (_, i) => 1 / (i + 1) ** 0.7));
}

/** Hours after midnight, China time: stores open 10–22 with an evening peak; online all day, peaking at night. */
function hourOfDay(random: Random, channel: Channel): number {
  if (channel === 'store') return 10 + 12 * random.beta(2.2, 1.8);
  const hour = 20.5 + 4 * random.normal();
  return ((hour % 24) + 24) % 24;
}

export function simulateMember(seed: number, index: number, params: ProcessParams, catalog: Catalog, stores: Float64Array): GeneratedMember {
  const random = createRandom(seed, index + 1);
  const { firstDay, days, seasonal, seasonalMax } = params;
  const endMs = chinaDayStartMs(firstDay + days);

  // joining: linear growth over the window, thinned by the season
  let joinDay: number;
  for (;;) {
    const g = SHAPE.joinGrowth;
    const x = (Math.sqrt(1 + g * (2 + g) * random.next()) - 1) / g;
    joinDay = Math.min(days - 1, Math.floor(x * days));
    if (random.next() * seasonalMax < seasonal[joinDay]!) break;
  }
  const joinStore = random.pickCumulative(stores);
  const joinScene = random.chance(0.85) ? 'store' : null;
  const joinChannel: Channel = joinScene === 'store' ? 'store' : 'miniapp';
  let joinedAt = chinaDayStartMs(firstDay + joinDay) + Math.floor(hourOfDay(random, joinChannel) * 3_600_000);
  joinedAt = Math.min(joinedAt, endMs - 60_000);

  const age = 18 + Math.floor(random.gamma(4, 4.5));
  const birthYear = new Date(endMs).getUTCFullYear() - Math.min(age, 75);
  const birthday = random.chance(0.8) ? `${birthYear}-${String(1 + random.int(12)).padStart(2, '0')}-${String(1 + random.int(28)).padStart(2, '0')}` : null;

  const persona = random.pickCumulative(catalog.personaCumulative);
  const preferences = cumulative(random.dirichlet(catalog.personas[persona]!.alpha));
  const drawSku = (): number => {
    const category = catalog.byCategory[random.pickCumulative(preferences)]!;
    return category.skus[random.pickCumulative(category.cumulative)]!;
  };
  const favourites = Array.from({ length: SHAPE.favourites }, drawSku);

  const rate = random.gamma(SHAPE.rateShape, (SHAPE.rateMean / SHAPE.rateShape) * params.rateScale);
  const dropout = random.beta(SHAPE.dropoutA, SHAPE.dropoutB);
  const nu = random.gamma(SHAPE.spendQ, 1 / SHAPE.spendGammaFen);
  const storeLoyalty = random.beta(6, 1.5);
  const channelWeights = cumulative([0.6, 0.25, 0.15].map((w, i) => w * (i === 0 ? 0.5 + storeLoyalty : 1)));

  const orders: GeneratedOrder[] = [];
  const events: GeneratedEvent[] = [];
  const pending: number[] = [];

  const addPartners = (sku: number, inOrder: number[]) => {
    const bundle = catalog.skus[sku]!.bundle;
    if (bundle < 0) return;
    for (const partner of catalog.bundles[bundle]!) {
      if (partner === sku || inOrder.includes(partner) || pending.includes(partner)) continue;
      if (random.chance(SHAPE.bundleLater) && pending.length < 4) pending.push(partner);
    }
  };

  const buildOrder = (at: number, channel: Channel): GeneratedOrder => {
    const target = random.gamma(SHAPE.spendP, 1 / nu);
    const skus: number[] = [];
    const lines: GeneratedLine[] = [];
    let gross = 0;
    const add = (sku: number) => {
      const price = catalog.skus[sku]!.priceFen;
      let quantity = 1;
      if (price * 2 <= target - gross && random.chance(0.35)) quantity = Math.min(3, Math.max(1, Math.floor((target - gross) / price / 2)));
      skus.push(sku);
      lines.push({ sku, quantity, unitPriceFen: price });
      gross += quantity * price;
      const pendingAt = pending.indexOf(sku);
      if (pendingAt >= 0) pending.splice(pendingAt, 1);
      const bundle = catalog.skus[sku]!.bundle;
      if (bundle >= 0 && lines.length < 6 && random.chance(SHAPE.bundleSameOrder)) {
        const partners = catalog.bundles[bundle]!.filter((partner) => !skus.includes(partner));
        if (partners.length) add(random.pick(partners));
      }
    };
    let first: number;
    if (pending.length && random.chance(0.5)) first = pending[random.int(pending.length)]!;
    else if (random.chance(SHAPE.repeatFavourite)) first = favourites[random.int(favourites.length)]!;
    else first = drawSku();
    add(first);
    while (gross < 0.7 * target && lines.length < 6) {
      let next = -1;
      for (let attempt = 0; attempt < 4 && next < 0; attempt++) {
        const candidate = random.chance(0.15) ? favourites[random.int(favourites.length)]! : drawSku();
        if (!skus.includes(candidate)) next = candidate;
      }
      if (next < 0) break;
      add(next);
    }
    for (const sku of skus) addPartners(sku, skus);

    let discount = 0;
    if (random.chance(SHAPE.discountShare)) discount = Math.min(COUPON_VALUES_FEN[random.int(COUPON_VALUES_FEN.length)]!, Math.floor(gross / 2));
    const paid = gross - discount;
    let refund: GeneratedOrder['refund'] = null;
    if (random.chance(SHAPE.refundShare)) {
      const line = random.int(lines.length);
      const refundAt = at + Math.floor((1 + random.next() * 9) * DAY_MS);
      const amount = Math.min(lines[line]!.quantity * lines[line]!.unitPriceFen, paid);
      if (refundAt < endMs && amount > 0) refund = { line, amountFen: amount, at: refundAt };
    }
    const store = channel === 'store' ? (random.chance(storeLoyalty) ? joinStore : random.pickCumulative(stores)) : -1;

    if (params.events) {
      if (random.chance(SHAPE.viewShare)) {
        const views = 1 + random.poisson(0.6);
        for (let v = 0; v < views; v++) {
          const sku = v === 0 ? skus[0]! : random.chance(0.5) ? skus[random.int(skus.length)]! : drawSku();
          events.push({ type: 'view_item', sku, at: Math.max(joinedAt, at - Math.floor(random.next() * 3 * DAY_MS)) });
        }
      }
      if (random.chance(SHAPE.cartShare)) events.push({ type: 'cart_add', sku: skus[random.int(skus.length)]!, at: Math.max(joinedAt, at - Math.floor(random.next() * 3_600_000)) });
    }
    return { at, channel, store, lines, grossFen: gross, discountFen: discount, paidFen: paid, refund };
  };

  let last = joinedAt;
  let alive = true;
  if (random.chance(SHAPE.buyAtJoin)) {
    orders.push(buildOrder(joinedAt, joinChannel));
    if (random.chance(dropout)) alive = false;
  }
  // purchases: a Poisson process at rate × season, by thinning; time t in days since the window start
  let t = (joinedAt - chinaDayStartMs(firstDay)) / DAY_MS;
  const candidateRate = rate * seasonalMax;
  while (alive && candidateRate > 0) {
    t += random.exponential(candidateRate);
    const day = Math.floor(t);
    if (day >= days) break;
    if (random.next() * seasonalMax >= seasonal[day]!) continue;
    const channel: Channel = (['store', 'miniapp', 'online'] as const)[random.pickCumulative(channelWeights)]!;
    let at = chinaDayStartMs(firstDay + day) + Math.floor(hourOfDay(random, channel) * 3_600_000);
    if (at <= last) at = last + 60_000 + Math.floor(random.next() * 3_600_000);
    if (at >= endMs) break;
    orders.push(buildOrder(at, channel));
    last = at;
    if (random.chance(dropout)) alive = false;
  }
  if (params.events && !alive && random.chance(SHAPE.browseAfterDropout)) {
    const views = 1 + random.poisson(2);
    for (let v = 0; v < views; v++) {
      const at = last + Math.floor(random.next() * (endMs - last));
      if (at > last && at < endMs) events.push({ type: 'view_item', sku: random.chance(0.5) ? favourites[random.int(favourites.length)]! : drawSku(), at });
    }
  }

  return {
    joinedAt,
    joinStore,
    joinScene,
    birthday,
    phoneBound: random.chance(0.65),
    phoneVia: random.chance(0.6) ? 'wechat' : 'clerk',
    consent: random.chance(0.7),
    persona,
    orders,
    events,
  };
}

/**
 * The rate multiplier that makes the mean number of orders per member `target`: a pilot of members from
 * a separate stream, corrected a few times (the mean is nearly proportional to the rate).
 */
export function calibrateRateScale(seed: number, target: number, params: Omit<ProcessParams, 'rateScale'>, catalog: Catalog, stores: Float64Array, pilot = 3000): number {
  let scale = 1;
  for (let round = 0; round < 4; round++) {
    let orders = 0;
    for (let i = 0; i < pilot; i++) orders += simulateMember(seed ^ 0x5bd1e995, 1_000_000_000 + i, { ...params, events: false, rateScale: scale }, catalog, stores).orders.length;
    const mean = orders / pilot;
    if (mean <= 0) return scale;
    const ratio = target / mean;
    if (Math.abs(ratio - 1) < 0.01) break;
    scale *= ratio;
  }
  return scale;
}
