/** Mainland China mobile numbers: 11 digits starting 13–19. */
const CN_MOBILE = /^1[3-9]\d{9}$/;

/** Strips spaces, dashes and a +86 / 0086 / 86 prefix; returns null when it is not a CN mobile. */
export function normalizeCnMobile(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '').replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
  return CN_MOBILE.test(digits) ? digits : null;
}

/** 13812341234 → 138****1234; shorter numbers keep only their last 2 digits. */
export function maskPhone(phone: string): string {
  if (phone.length >= 7) return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  return `${'*'.repeat(Math.max(0, phone.length - 2))}${phone.slice(-2)}`;
}
