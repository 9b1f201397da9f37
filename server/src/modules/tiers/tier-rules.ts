/**
 * How a member's tier moves, without I/O: the service loads the state, asks these functions what
 * changes, and writes the result with its history rows in one transaction.
 */

export const DAY_MS = 86_400_000;

export interface LadderStep {
  level: number;
  threshold: number;
}

export interface TierRulesSettings {
  graceDays: number;
  downgradePolicy: 'none' | 'one_level' | 'to_supported';
}

/** What member_tiers holds for one member. */
export interface TierState {
  level: number;
  manualLevel: number | null;
  manualUntil: Date | null;
  graceUntil: Date | null;
  growthValue: number;
  levelSince: Date;
}

export type TierChangeReason =
  | 'purchase_upgrade'
  | 'evaluation_upgrade'
  | 'evaluation_downgrade'
  | 'grace_started'
  | 'grace_cleared'
  | 'manual_expired';

export interface TierChange {
  fromLevel: number;
  toLevel: number;
  reason: TierChangeReason;
}

export interface TierDecision {
  state: TierState;
  changes: TierChange[];
  /** something other than the growth value changed */
  changed: boolean;
}

/** The highest level whose threshold the value reaches; 0 on an empty ladder. `ladder` is sorted by level. */
export function supportedLevel(ladder: readonly LadderStep[], value: number): number {
  let level = 0;
  for (const step of ladder) if (value >= step.threshold) level = Math.max(level, step.level);
  return level;
}

/** The manual level while `at` is before its end, else the earned level: a manual level never outlives its date. */
export function effectiveLevelOf(state: Pick<TierState, 'level' | 'manualLevel' | 'manualUntil'>, at: Date): number {
  if (state.manualLevel !== null && state.manualUntil !== null && at.getTime() < state.manualUntil.getTime()) return state.manualLevel;
  return state.level;
}

export function activeManual(state: Pick<TierState, 'manualLevel' | 'manualUntil'>, at: Date): { level: number; until: Date } | null {
  if (state.manualLevel === null || state.manualUntil === null || at.getTime() >= state.manualUntil.getTime()) return null;
  return { level: state.manualLevel, until: state.manualUntil };
}

/** A purchase only ever raises the level (possibly several at once) and ends a grace period the value covers again. */
export function decideOnPurchase(current: TierState, value: number, ladder: readonly LadderStep[], at: Date): TierDecision {
  const state: TierState = { ...current, growthValue: value };
  const changes: TierChange[] = [];
  const supported = supportedLevel(ladder, value);
  if (supported > state.level) {
    changes.push({ fromLevel: state.level, toLevel: supported, reason: 'purchase_upgrade' });
    Object.assign(state, { level: supported, levelSince: at, graceUntil: null });
  } else if (supported === state.level && state.graceUntil !== null) {
    changes.push({ fromLevel: state.level, toLevel: state.level, reason: 'grace_cleared' });
    state.graceUntil = null;
  }
  return { state, changes, changed: changes.length > 0 };
}

/**
 * The nightly decision for one member at `now`. Running it again at the same `now` with the same
 * value finds nothing to do: a grace period started now ends later, a downgrade that leaves the
 * level still above the value starts the next grace period at once, and without grace days the
 * level drops at most once per instant (level_since = now marks it).
 */
export function decideEvaluation(
  current: TierState,
  value: number,
  ladder: readonly LadderStep[],
  settings: TierRulesSettings,
  now: Date,
): TierDecision {
  const state: TierState = { ...current, growthValue: value };
  const changes: TierChange[] = [];
  const supported = supportedLevel(ladder, value);
  const graceMs = settings.graceDays * DAY_MS;

  const startGrace = () => {
    state.graceUntil = new Date(now.getTime() + graceMs);
    changes.push({ fromLevel: state.level, toLevel: state.level, reason: 'grace_started' });
  };
  const clearGrace = () => {
    state.graceUntil = null;
    changes.push({ fromLevel: state.level, toLevel: state.level, reason: 'grace_cleared' });
  };
  const downgrade = () => {
    // one_level: exactly one level per ended grace period; to_supported: straight to what the value supports
    const to = settings.downgradePolicy === 'one_level' ? state.level - 1 : supported;
    changes.push({ fromLevel: state.level, toLevel: to, reason: 'evaluation_downgrade' });
    Object.assign(state, { level: to, levelSince: now, graceUntil: null });
    if (to > supported && graceMs > 0) startGrace();
  };

  if (supported > state.level) {
    changes.push({ fromLevel: state.level, toLevel: supported, reason: 'evaluation_upgrade' });
    Object.assign(state, { level: supported, levelSince: now, graceUntil: null });
  } else if (supported === state.level) {
    if (state.graceUntil !== null) clearGrace();
  } else if (settings.downgradePolicy === 'none') {
    // nobody is ever lowered, so a grace period would only announce a downgrade that never comes
    if (state.graceUntil !== null) clearGrace();
  } else if (state.graceUntil === null) {
    if (graceMs > 0) startGrace();
    else if (state.levelSince.getTime() < now.getTime()) downgrade();
  } else if (now.getTime() >= state.graceUntil.getTime()) {
    downgrade();
  }

  // last, so the row names the level the member really falls back to
  if (state.manualLevel !== null && state.manualUntil !== null && now.getTime() >= state.manualUntil.getTime()) {
    changes.push({ fromLevel: state.manualLevel, toLevel: state.level, reason: 'manual_expired' });
    Object.assign(state, { manualLevel: null, manualUntil: null });
  }
  return { state, changes, changed: changes.length > 0 };
}
