import { maskPhone, type JoinSource } from '@memberloop/shared';

/**
 * Dates are shown in China time. Asia/Shanghai has had no daylight saving since 1991, so a fixed
 * +08:00 offset is exact, and it does not depend on the time-zone data of the mini-program's
 * JavaScript engine (not every one ships full Intl support).
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function shanghaiParts(instant: string | Date): Date | null {
  const time = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return Number.isFinite(time) ? new Date(time + SHANGHAI_OFFSET_MS) : null;
}

/** "2026-11-24" in Asia/Shanghai, or '' for a missing or unparsable instant. */
export function formatDate(instant: string | Date | null | undefined): string {
  const d = instant ? shanghaiParts(instant) : null;
  if (!d) return '';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** "2026-11-24 09:05" in Asia/Shanghai, or '' for a missing or unparsable instant. */
export function formatDateTime(instant: string | Date | null | undefined): string {
  const d = instant ? shanghaiParts(instant) : null;
  if (!d) return '';
  return `${formatDate(instant)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** `mbr_01JD3…K7Q2` → "K7Q2 9XWE": the last 8 characters of the id, easy to read out at a till. */
export function shortMemberId(id: string): string {
  const body = id.includes('_') ? id.slice(id.indexOf('_') + 1) : id;
  const tail = body.slice(-8).toUpperCase();
  return tail.length > 4 ? `${tail.slice(0, 4)} ${tail.slice(4)}` : tail;
}

/**
 * The phone as a viewer may see it: members see their own number in full; anyone else
 * (a clerk's screen, a shared page) only the masked form.
 */
export function displayPhone(phone: string | null | undefined, viewer: 'self' | 'other'): string {
  if (!phone) return '未绑定';
  return viewer === 'self' ? phone : maskPhone(phone);
}

/** How the member joined, in words. */
export function joinSourceLabel(source: JoinSource | null | undefined): string {
  switch (source?.type) {
    case 'store':
      return '门店扫码入会';
    case 'clerk':
      return '店员邀请入会';
    case 'campaign':
      return '活动入会';
    default:
      return '自主入会';
  }
}
