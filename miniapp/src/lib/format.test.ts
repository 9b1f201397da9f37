import { displayPhone, formatDate, formatDateTime, joinSourceLabel, shortMemberId } from './format';

describe('dates in Asia/Shanghai', () => {
  it('moves a UTC instant to the China calendar day', () => {
    expect(formatDate('2026-11-23T16:30:00.000Z')).toBe('2026-11-24');
    expect(formatDate('2026-11-23T15:59:59.000Z')).toBe('2026-11-23');
    expect(formatDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });

  it('formats date and time to the minute', () => {
    expect(formatDateTime('2026-11-24T01:05:09Z')).toBe('2026-11-24 09:05');
    expect(formatDateTime('2026-02-28T16:00:00Z')).toBe('2026-03-01 00:00');
  });

  it('gives an empty string for missing or broken input', () => {
    expect(formatDate(null)).toBe('');
    expect(formatDate(undefined)).toBe('');
    expect(formatDateTime('not a date')).toBe('');
  });
});

describe('shortMemberId', () => {
  it('keeps the last 8 characters of the id body, grouped by 4', () => {
    expect(shortMemberId('mbr_01JD3ZQ8W7X9K2M4N6P8R0T2V4')).toBe('P8R0 T2V4');
  });

  it('copes with short and unprefixed ids', () => {
    expect(shortMemberId('mbr_abc')).toBe('ABC');
    expect(shortMemberId('abcdefghij')).toBe('CDEF GHIJ');
  });
});

describe('displayPhone', () => {
  it('shows members their own number in full', () => {
    expect(displayPhone('13812341234', 'self')).toBe('13812341234');
  });

  it('masks the number for anyone else', () => {
    expect(displayPhone('13812341234', 'other')).toBe('138****1234');
  });

  it('says when no phone is bound', () => {
    expect(displayPhone(null, 'self')).toBe('未绑定');
  });
});

describe('joinSourceLabel', () => {
  it('names each join source', () => {
    const base = { storeId: null, staffId: null, campaignId: null };
    expect(joinSourceLabel({ ...base, type: 'store' })).toBe('门店扫码入会');
    expect(joinSourceLabel({ ...base, type: 'clerk' })).toBe('店员邀请入会');
    expect(joinSourceLabel({ ...base, type: 'campaign' })).toBe('活动入会');
    expect(joinSourceLabel({ ...base, type: null })).toBe('自主入会');
    expect(joinSourceLabel(null)).toBe('自主入会');
  });
});
