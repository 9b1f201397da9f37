import { assign, armOf, CONTROL } from './assignment';
import { cronMatches, parseCron } from './cron-match';
import { compareArms } from './report';
import { newcombeDifferenceInterval, normalCdf, normalQuantile, twoProportionZTest, waldDifferenceInterval, wilsonInterval } from './statistics';

/** A small seeded PRNG (mulberry32), so every "random" figure below is the same on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('normal distribution', () => {
  it('matches table values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 6);
    expect(normalCdf(2.5758)).toBeCloseTo(0.995, 4);
    expect(normalCdf(-3.5)).toBeCloseTo(0.000232629, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644854, 5);
  });
});

describe('two proportions', () => {
  // Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 vs 48/80
  it('z-test: 56/70 vs 48/80 gives z ≈ 2.65, p ≈ 0.008', () => {
    const { z, pValue } = twoProportionZTest(56, 70, 48, 80);
    expect(z).toBeCloseTo(2.650, 3);
    expect(pValue).toBeCloseTo(0.00804, 4);
  });

  it("Wald and Newcombe's hybrid score intervals reproduce Newcombe's table", () => {
    const wald = waldDifferenceInterval(56, 70, 48, 80);
    expect(wald.low).toBeCloseTo(0.0575, 4);
    expect(wald.high).toBeCloseTo(0.3425, 4);
    const score = newcombeDifferenceInterval(56, 70, 48, 80);
    expect(score.low).toBeCloseTo(0.0524, 4);
    expect(score.high).toBeCloseTo(0.3339, 4);
    // example (e) of the same table: 0/10 vs 0/20 — Wald collapses to a point, the score interval does not
    const zeros = newcombeDifferenceInterval(0, 10, 0, 20);
    expect(zeros.low).toBeCloseTo(-0.1611, 4);
    expect(zeros.high).toBeCloseTo(0.2775, 4);
  });

  it('Wilson interval of 81/263 (Newcombe 1998, single proportion)', () => {
    const w = wilsonInterval(81, 263);
    expect(w.low).toBeCloseTo(0.2553, 4);
    expect(w.high).toBeCloseTo(0.3662, 4);
  });

  it('no variation is no evidence', () => {
    expect(twoProportionZTest(0, 100, 0, 100)).toEqual({ z: 0, pValue: 1 });
  });
});

describe('stable assignment', () => {
  const arms = { holdoutPercent: 10, variants: [{ key: 'a', weight: 1 }, { key: 'b', weight: 3 }] };

  it('is the same for the same campaign and member, and splits by weight', () => {
    const counts: Record<string, number> = { control: 0, a: 0, b: 0 };
    for (let i = 0; i < 40_000; i++) {
      const arm = assign('cmp_X', `mbr_${i}`, arms);
      expect(assign('cmp_X', `mbr_${i}`, arms)).toBe(arm);
      counts[arm]!++;
    }
    // 10 % control, then a:b = 1:3 of the rest (±1 percentage point)
    expect(Math.abs(counts.control! / 40_000 - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(counts.a! / 40_000 - 0.225)).toBeLessThan(0.01);
    expect(Math.abs(counts.b! / 40_000 - 0.675)).toBeLessThan(0.01);
    expect(armOf(0, arms)).toBe(CONTROL);
    expect(armOf(0.999999, arms)).toBe('b');
  });

  it('A/A: two identical arms differ at p < 0.05 in about 5 % of campaigns (2000 campaigns, 5 % ± 1.5 points)', () => {
    // fixed outcomes per member (whether they buy does not depend on the arm): only the split is random
    const random = prng(20261124);
    const members = Array.from({ length: 2000 }, (_, i) => ({ id: `mbr_${i}`, converts: random() < 0.2 }));
    const aa = { holdoutPercent: 50, variants: [{ key: 'a', weight: 1 }] };
    let significant = 0;
    const campaigns = 2000;
    for (let c = 0; c < campaigns; c++) {
      const n = { a: 0, control: 0 };
      const x = { a: 0, control: 0 };
      for (const member of members) {
        const arm = assign(`cmp_${c}`, member.id, aa) as 'a' | 'control';
        n[arm]++;
        if (member.converts) x[arm]++;
      }
      if (twoProportionZTest(x.a, n.a, x.control, n.control).pValue < 0.05) significant++;
    }
    const rate = significant / campaigns;
    expect(rate).toBeGreaterThan(0.035);
    expect(rate).toBeLessThan(0.065);
  });
});

describe('report arithmetic', () => {
  it('uplift, interval, p-value and ROI against control', () => {
    const [variant, control] = compareArms([
      { variant: 'a', members: 1000, delivered: 990, converted: 300, revenueFen: 3_000_000, costFen: 100_000, pointsGranted: 0 },
      { variant: 'control', members: 1000, delivered: 0, converted: 200, revenueFen: 2_000_000, costFen: 0, pointsGranted: 0 },
    ]);
    expect(variant!.conversionRate).toBeCloseTo(0.3);
    expect(variant!.upliftOverControl!.difference).toBeCloseTo(0.1);
    expect(variant!.upliftOverControl!.relative).toBeCloseTo(0.5);
    expect(variant!.upliftOverControl!.pValue).toBeLessThan(0.001);
    expect(variant!.upliftOverControl!.confidenceInterval.low).toBeGreaterThan(0.05);
    // incremental revenue ¥10,000 against a cost of ¥1,000
    expect(variant!.roi).toBeCloseTo(9);
    expect(control!.upliftOverControl).toBeNull();
  });
});

describe('cron minutes in the brand time zone', () => {
  it('matches 10:00 Shanghai at 02:00Z, weekdays and steps', () => {
    const daily = parseCron('0 10 * * *');
    expect(cronMatches(daily, new Date('2026-11-24T02:00:00Z'), 'Asia/Shanghai')).toBe(true);
    expect(cronMatches(daily, new Date('2026-11-24T10:00:00Z'), 'Asia/Shanghai')).toBe(false);
    const mondays = parseCron('*/15 9-18 * * mon');
    expect(cronMatches(mondays, new Date('2026-11-23T01:30:00Z'), 'Asia/Shanghai')).toBe(true); // Mon 09:30
    expect(cronMatches(mondays, new Date('2026-11-24T01:30:00Z'), 'Asia/Shanghai')).toBe(false); // Tue
    expect(() => parseCron('0 0 10 * * *')).toThrow();
  });
});
