import { groupDigits, isDue, refreshDelayMs } from './card-code';

const at = (iso: string) => Date.parse(iso);

describe('refreshDelayMs', () => {
  const card = { refreshAt: '2026-11-24T02:00:25.000Z' };

  it('waits until refreshAt', () => {
    expect(refreshDelayMs(card, at('2026-11-24T02:00:10.000Z'))).toBe(15_000);
  });

  it('waits at least 5 s when the phone clock is ahead, or refreshAt has passed', () => {
    expect(refreshDelayMs(card, at('2026-11-24T02:00:24.000Z'))).toBe(5_000);
    expect(refreshDelayMs(card, at('2026-11-24T02:05:00.000Z'))).toBe(5_000);
  });

  it('waits at most 30 s when the phone clock is behind', () => {
    expect(refreshDelayMs(card, at('2026-11-24T01:00:00.000Z'))).toBe(30_000);
  });

  it('copes with a broken timestamp', () => {
    expect(refreshDelayMs({ refreshAt: 'soon' }, 0)).toBe(5_000);
    expect(isDue({ refreshAt: 'soon' }, 0)).toBe(true);
  });
});

describe('isDue', () => {
  it('says whether the code on screen should be replaced', () => {
    expect(isDue({ refreshAt: '2026-11-24T02:00:25.000Z' }, at('2026-11-24T02:00:24.999Z'))).toBe(false);
    expect(isDue({ refreshAt: '2026-11-24T02:00:25.000Z' }, at('2026-11-24T02:00:25.000Z'))).toBe(true);
  });
});

describe('groupDigits', () => {
  it('groups by four', () => {
    expect(groupDigits('10000001123456')).toBe('1000 0001 1234 56');
    expect(groupDigits('12345678')).toBe('1234 5678');
    expect(groupDigits('123')).toBe('123');
    expect(groupDigits('K7Q2ABCDEFGHJKMN')).toBe('K7Q2 ABCD EFGH JKMN');
  });
});
