import { decideEvaluation, decideOnPurchase, effectiveLevelOf, supportedLevel, type TierState } from './tier-rules';

const DAY = 86_400_000;
const T0 = new Date('2026-11-24T08:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const LADDER = [
  { level: 0, threshold: 0 },
  { level: 1, threshold: 100 },
  { level: 2, threshold: 500 },
  { level: 3, threshold: 2000 },
];
const state = (values: Partial<TierState> = {}): TierState => ({ level: 0, manualLevel: null, manualUntil: null, graceUntil: null, growthValue: 0, levelSince: at(-100), ...values });
const reasons = (changes: { fromLevel: number; toLevel: number; reason: string }[]) => changes.map((c) => `${c.fromLevel}>${c.toLevel} ${c.reason}`);

describe('supportedLevel', () => {
  it('is the highest level whose threshold the value reaches', () => {
    expect([0, 99, 100, 499, 500, 1999, 2000, 10 ** 9].map((value) => supportedLevel(LADDER, value))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(supportedLevel([], 10 ** 9)).toBe(0);
  });
});

describe('effectiveLevelOf', () => {
  it('is the manual level before its end, the earned level from its end on', () => {
    const s = state({ level: 1, manualLevel: 3, manualUntil: at(10) });
    expect(effectiveLevelOf(s, at(9))).toBe(3);
    expect(effectiveLevelOf(s, at(10))).toBe(1);
    expect(effectiveLevelOf({ ...s, manualLevel: 0 }, at(1))).toBe(0);
  });
});

describe('decideOnPurchase', () => {
  it('raises several levels at once and never lowers', () => {
    expect(reasons(decideOnPurchase(state(), 2500, LADDER, T0).changes)).toEqual(['0>3 purchase_upgrade']);
    const lower = decideOnPurchase(state({ level: 3 }), 10, LADDER, T0);
    expect(lower.state.level).toBe(3);
    expect(lower.changes).toEqual([]);
  });

  it('ends a grace period the value covers again, not one it does not', () => {
    expect(reasons(decideOnPurchase(state({ level: 2, graceUntil: at(5) }), 600, LADDER, T0).changes)).toEqual(['2>2 grace_cleared']);
    expect(decideOnPurchase(state({ level: 2, graceUntil: at(5) }), 400, LADDER, T0).state.graceUntil).toEqual(at(5));
  });
});

describe('decideEvaluation', () => {
  const settings = (downgradePolicy: 'none' | 'one_level' | 'to_supported', graceDays = 30) => ({ downgradePolicy, graceDays });

  it('starts a grace period, and after it lowers by the policy', () => {
    const start = decideEvaluation(state({ level: 3 }), 150, LADDER, settings('one_level'), T0);
    expect(reasons(start.changes)).toEqual(['3>3 grace_started']);
    expect(start.state.graceUntil).toEqual(at(30));
    expect(decideEvaluation(start.state, 150, LADDER, settings('one_level'), at(29)).changes).toEqual([]);

    const oneLevel = decideEvaluation(start.state, 150, LADDER, settings('one_level'), at(30));
    expect(reasons(oneLevel.changes)).toEqual(['3>2 evaluation_downgrade', '2>2 grace_started']);
    expect(oneLevel.state).toMatchObject({ level: 2, graceUntil: at(60), levelSince: at(30) });

    const toSupported = decideEvaluation(start.state, 150, LADDER, settings('to_supported'), at(30));
    expect(reasons(toSupported.changes)).toEqual(['3>1 evaluation_downgrade']);
    expect(toSupported.state.graceUntil).toBeNull();
  });

  it('with policy none, never lowers and announces no grace period', () => {
    expect(decideEvaluation(state({ level: 3 }), 0, LADDER, settings('none'), T0).changes).toEqual([]);
    expect(reasons(decideEvaluation(state({ level: 3, graceUntil: at(-1) }), 0, LADDER, settings('none'), T0).changes)).toEqual(['3>3 grace_cleared']);
  });

  it('without grace days lowers at once, once per instant', () => {
    const first = decideEvaluation(state({ level: 3 }), 0, LADDER, settings('one_level', 0), T0);
    expect(reasons(first.changes)).toEqual(['3>2 evaluation_downgrade']);
    expect(decideEvaluation(first.state, 0, LADDER, settings('one_level', 0), T0).changes).toEqual([]);
    expect(decideEvaluation(first.state, 0, LADDER, settings('one_level', 0), at(1)).state.level).toBe(1);
  });

  it('ends an expired manual level, naming the level the member falls back to', () => {
    const decision = decideEvaluation(state({ level: 1, manualLevel: 3, manualUntil: T0 }), 600, LADDER, settings('one_level'), T0);
    expect(reasons(decision.changes)).toEqual(['1>2 evaluation_upgrade', '3>2 manual_expired']);
    expect(decision.state).toMatchObject({ level: 2, manualLevel: null, manualUntil: null });
  });

  it('is idempotent at the same instant whatever the state', () => {
    const values = [0, 150, 600, 2500];
    const starts = [
      state(),
      state({ level: 3 }),
      state({ level: 2, graceUntil: T0 }),
      state({ level: 3, graceUntil: at(-1), manualLevel: 1, manualUntil: at(-2) }),
      state({ level: 1, manualLevel: 3, manualUntil: at(5) }),
    ];
    for (const policy of ['none', 'one_level', 'to_supported'] as const) {
      for (const graceDays of [0, 30]) {
        for (const start of starts) {
          for (const value of values) {
            const once = decideEvaluation(start, value, LADDER, settings(policy, graceDays), T0);
            const twice = decideEvaluation(once.state, value, LADDER, settings(policy, graceDays), T0);
            expect({ policy, graceDays, start, value, changes: twice.changes }).toEqual({ policy, graceDays, start, value, changes: [] });
          }
        }
      }
    }
  });
});
