import { isCalendarDate, normalizeCnMobile } from '@memberloop/shared';
import { formatDate } from '../../lib/format';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** A birthday as typed (YYYY-MM-DD): a real day, not in the future, not before 1900. */
export function checkBirthday(input: string, now: Date): Checked<string> {
  const value = input.trim();
  if (!isCalendarDate(value)) return { ok: false, error: '请按 YYYY-MM-DD 填写生日，如 1995-06-18' };
  if (value < '1900-01-01') return { ok: false, error: '请填写正确的生日' };
  if (value > formatDate(now)) return { ok: false, error: '生日不能晚于今天' };
  return { ok: true, value };
}

/** The phone number typed in the H5 stand-in for WeChat's phone button. */
export function checkPhone(input: string): Checked<string> {
  const phone = normalizeCnMobile(input);
  return phone ? { ok: true, value: phone } : { ok: false, error: '请输入正确的 11 位手机号' };
}

/**
 * The code of WeChat's getPhoneNumber button, or what to tell the member. The user may refuse,
 * and an app without the phone-number permission gets no code.
 */
export function phoneButtonCode(detail: { code?: string; errMsg?: string }): Checked<string> {
  if (detail.code) return { ok: true, value: detail.code };
  if (/deny|cancel/i.test(detail.errMsg ?? '')) return { ok: false, error: '您已取消授权手机号' };
  return { ok: false, error: '暂时无法获取手机号，请稍后再试' };
}
