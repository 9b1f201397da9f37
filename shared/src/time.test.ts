import { businessDate, fixedClock, isCalendarDate, isValidTimeZone } from './time';

describe('time', () => {
  it('computes the business date in the brand time zone', () => {
    // 16:30 UTC is already the next day in Shanghai (UTC+8)
    const instant = new Date('2026-03-01T16:30:00Z');
    expect(businessDate(instant)).toBe('2026-03-02');
    expect(businessDate(instant, 'UTC')).toBe('2026-03-01');
    expect(businessDate(instant, 'America/Los_Angeles')).toBe('2026-03-01');
  });

  it('knows real calendar dates and time zones', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('has a clock tests can pin and move', () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    clock.advance(1000);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:01.000Z');
    clock.set('2027-01-01T00:00:00Z');
    expect(clock.now().getUTCFullYear()).toBe(2027);
  });
});
