import { quietHoursEnd, zonedInstant } from './quiet-hours';

const shanghai = { start: '21:00', end: '09:00', timeZone: 'Asia/Shanghai' };

describe('quietHoursEnd', () => {
  it('is null outside quiet hours (16:00 and 20:59 in Shanghai)', () => {
    expect(quietHoursEnd(new Date('2026-11-24T08:00:00Z'), shanghai)).toBeNull();
    expect(quietHoursEnd(new Date('2026-11-24T12:59:00Z'), shanghai)).toBeNull();
    expect(quietHoursEnd(new Date('2026-11-24T01:00:00Z'), shanghai)).toBeNull(); // 09:00 sharp is past the end
  });

  it('ends at 09:00 the next morning when it is evening in the brand zone', () => {
    // 23:30 Shanghai on the 24th → 09:00 Shanghai on the 25th = 01:00 UTC
    expect(quietHoursEnd(new Date('2026-11-24T15:30:00Z'), shanghai)?.toISOString()).toBe('2026-11-25T01:00:00.000Z');
    // 21:00 sharp is inside
    expect(quietHoursEnd(new Date('2026-11-24T13:00:00Z'), shanghai)?.toISOString()).toBe('2026-11-25T01:00:00.000Z');
  });

  it('ends at 09:00 the same day after midnight', () => {
    // 02:00 Shanghai on the 25th = 18:00 UTC on the 24th
    expect(quietHoursEnd(new Date('2026-11-24T18:00:00Z'), shanghai)?.toISOString()).toBe('2026-11-25T01:00:00.000Z');
  });

  it('reads the clock in the brand’s zone, not the server’s', () => {
    // 08:00 UTC is 16:00 in Shanghai (not quiet) but 03:00 in New York (quiet until 09:00 EST = 14:00 UTC)
    const newYork = { ...shanghai, timeZone: 'America/New_York' };
    expect(quietHoursEnd(new Date('2026-11-24T08:00:00Z'), newYork)?.toISOString()).toBe('2026-11-24T14:00:00.000Z');
  });

  it('handles windows that do not wrap midnight, and none at all', () => {
    const lunch = { start: '12:00', end: '13:30', timeZone: 'Asia/Shanghai' };
    expect(quietHoursEnd(new Date('2026-11-24T04:15:00Z'), lunch)?.toISOString()).toBe('2026-11-24T05:30:00.000Z');
    expect(quietHoursEnd(new Date('2026-11-24T06:00:00Z'), lunch)).toBeNull();
    expect(quietHoursEnd(new Date('2026-11-24T15:30:00Z'), { start: '00:00', end: '00:00', timeZone: 'Asia/Shanghai' })).toBeNull();
  });

  it('converts wall-clock times across a daylight-saving change', () => {
    // New York falls back on 2026-11-01: 09:00 that day is EST (UTC-5)
    expect(zonedInstant(2026, 11, 1, 9, 0, 'America/New_York').toISOString()).toBe('2026-11-01T14:00:00.000Z');
    expect(zonedInstant(2026, 10, 31, 9, 0, 'America/New_York').toISOString()).toBe('2026-10-31T13:00:00.000Z');
  });
});
