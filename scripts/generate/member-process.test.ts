import { chinaDayOf, chinaDayStartMs, dayNumber, seasonality, seasonalMultiplier } from './calendar';
import { buildCatalog } from './catalog';
import { calibrateRateScale, simulateMember, storeCumulative, type GeneratedMember, type ProcessParams } from './member-process';

const catalog = buildCatalog();
const endDay = dayNumber('2026-11-24');
const days = 730;
const season = seasonality(endDay - days, days);
const base: Omit<ProcessParams, 'rateScale'> = { firstDay: endDay - days, days, seasonal: season.multipliers, seasonalMax: season.max, stores: 12, events: true };
const stores = storeCumulative(12);
const endMs = chinaDayStartMs(endDay);
const rateScale = calibrateRateScale(5, 10, base, catalog, stores);
const params: ProcessParams = { ...base, rateScale };
const members: GeneratedMember[] = Array.from({ length: 3000 }, (_, i) => simulateMember(5, i, params, catalog, stores));

describe('the catalogue', () => {
  it('has 12 categories of 20 SKUs with whole-yuan prices and bundles across them', () => {
    expect(catalog.categories).toHaveLength(12);
    expect(catalog.skus).toHaveLength(240);
    expect(new Set(catalog.skus.map((sku) => sku.sku)).size).toBe(240);
    for (const sku of catalog.skus) expect(sku.priceFen % 100 === 0 && sku.priceFen >= 900).toBe(true);
    expect(catalog.bundles.length).toBeGreaterThanOrEqual(8);
    expect(catalog.bundles.some((bundle) => new Set(bundle.map((i) => catalog.skus[i]!.category)).size > 1)).toBe(true);
  });
});

describe('seasonality', () => {
  it('peaks on Double 11 and drops in the Spring Festival week', () => {
    expect(seasonalMultiplier(dayNumber('2025-11-11'))).toBeGreaterThan(4 * seasonalMultiplier(dayNumber('2025-09-10')));
    expect(seasonalMultiplier(dayNumber('2026-02-18'))).toBeLessThan(0.5 * seasonalMultiplier(dayNumber('2026-03-18')));
    expect(seasonalMultiplier(dayNumber('2026-02-03'))).toBeGreaterThan(seasonalMultiplier(dayNumber('2026-03-04')));
    expect(season.mean).toBeGreaterThan(0.9);
    expect(season.mean).toBeLessThan(1.4);
  });
});

describe('a member drawn from the process', () => {
  it('is the same for the same seed and index', () => {
    expect(simulateMember(5, 17, params, catalog, stores)).toEqual(members[17]);
    expect(simulateMember(6, 17, params, catalog, stores)).not.toEqual(members[17]);
  });

  it('has orders that satisfy the order and item constraints, in time order inside the window', () => {
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok && problems.length < 10) problems.push(what);
    };
    members.forEach((member, m) => {
      check(member.joinedAt >= chinaDayStartMs(endDay - days) && member.joinedAt < endMs, `member ${m} joined outside the window`);
      let last = -Infinity;
      member.orders.forEach((order, o) => {
        const where = `member ${m} order ${o}`;
        check(order.at >= member.joinedAt && order.at < endMs && order.at > last, `${where}: time`);
        last = order.at;
        check(order.lines.length >= 1 && new Set(order.lines.map((line) => line.sku)).size === order.lines.length, `${where}: lines`);
        check(order.grossFen === order.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceFen, 0), `${where}: gross is the sum of the lines`);
        check(order.discountFen >= 0 && order.discountFen <= order.grossFen && order.paidFen === order.grossFen - order.discountFen, `${where}: paid = gross − discount`);
        check(order.lines.every((line) => line.quantity > 0 && Number.isInteger(line.unitPriceFen) && line.unitPriceFen >= 0), `${where}: quantities and prices`);
        check((order.store === -1) === (order.channel !== 'store'), `${where}: store orders have a store`);
        if (order.refund) {
          const line = order.lines[order.refund.line]!;
          check(order.refund.amountFen > 0 && order.refund.amountFen <= order.paidFen && order.refund.amountFen <= line.quantity * line.unitPriceFen, `${where}: refund amount`);
          check(order.refund.at > order.at && order.refund.at < endMs, `${where}: refund time`);
        }
      });
      check(member.events.every((event) => event.at >= member.joinedAt && event.at < endMs), `member ${m}: event times`);
    });
    expect(problems).toEqual([]);
    expect(members.some((member) => member.orders.some((order) => order.refund))).toBe(true);
    expect(members.some((member) => member.orders.some((order) => order.discountFen > 0))).toBe(true);
  });

  it('buys about the calibrated 10 orders on average, with heterogeneous rates and dropout', () => {
    const counts = members.map((member) => member.orders.length);
    const average = counts.reduce((sum, n) => sum + n, 0) / counts.length;
    const variance = counts.reduce((sum, n) => sum + (n - average) ** 2, 0) / counts.length;
    expect(average).toBeGreaterThan(8.5);
    expect(average).toBeLessThan(11.5);
    expect(variance).toBeGreaterThan(4 * average); // far more spread than one Poisson rate would give
    // dropout: many members stop buying long before the end
    const quiet = members.filter((member) => member.orders.length > 0 && endMs - member.orders.at(-1)!.at > 180 * 86_400_000).length;
    expect(quiet / members.length).toBeGreaterThan(0.2);
  });

  it('spends like Gamma-Gamma: members differ in their mean order value', () => {
    const means = members.filter((m) => m.orders.length >= 5).map((m) => m.orders.reduce((sum, o) => sum + o.grossFen, 0) / m.orders.length);
    means.sort((a, b) => a - b);
    const overall = means.reduce((sum, v) => sum + v, 0) / means.length;
    expect(overall).toBeGreaterThan(15_000);
    expect(overall).toBeLessThan(60_000);
    expect(means[Math.floor(means.length * 0.9)]! / means[Math.floor(means.length * 0.1)]!).toBeGreaterThan(2);
  });

  it('shops more on Double 11 than on an ordinary day', () => {
    const perDay = new Map<number, number>();
    for (const member of members) for (const order of member.orders) perDay.set(chinaDayOf(order.at), (perDay.get(chinaDayOf(order.at)) ?? 0) + 1);
    const double11 = perDay.get(dayNumber('2025-11-11')) ?? 0;
    const ordinary = [...perDay.entries()].filter(([day]) => day >= dayNumber('2025-09-01') && day < dayNumber('2025-10-01')).map(([, n]) => n);
    expect(double11).toBeGreaterThan(3 * (ordinary.reduce((sum, n) => sum + n, 0) / ordinary.length));
  });

  it('buys bundle partners together or later more often than their popularity explains', () => {
    const [first, second] = catalog.bundles[1]!; // shampoo and conditioner
    let both = 0;
    let withFirst = 0;
    let withSecond = 0;
    for (const member of members) {
      const bought = new Set(member.orders.flatMap((order) => order.lines.map((line) => line.sku)));
      if (bought.has(first!)) withFirst++;
      if (bought.has(second!)) withSecond++;
      if (bought.has(first!) && bought.has(second!)) both++;
    }
    // lift: P(both) / (P(first) P(second))
    expect((both * members.length) / (withFirst * withSecond)).toBeGreaterThan(2);
  });
});
