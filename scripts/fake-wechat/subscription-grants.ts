/** One-time subscribe-message acceptances: each allows exactly one send of a template to a user. */

function grantKey(appId: string, openid: string, templateId: string): string {
  return `${appId}\n${openid}\n${templateId}`;
}

export class SubscriptionGrants {
  private readonly remaining = new Map<string, number>();

  /** Adds acceptances and returns what remains per template afterwards. */
  grant(appId: string, openid: string, templateIds: readonly string[], count: number): Record<string, number> {
    const granted: Record<string, number> = {};
    for (const templateId of templateIds) {
      const key = grantKey(appId, openid, templateId);
      const total = (this.remaining.get(key) ?? 0) + count;
      this.remaining.set(key, total);
      granted[templateId] = total;
    }
    return granted;
  }

  has(appId: string, openid: string, templateId: string): boolean {
    return (this.remaining.get(grantKey(appId, openid, templateId)) ?? 0) > 0;
  }

  /** Uses up one acceptance; false when none was left. */
  consume(appId: string, openid: string, templateId: string): boolean {
    const key = grantKey(appId, openid, templateId);
    const left = this.remaining.get(key) ?? 0;
    if (left <= 0) return false;
    if (left === 1) this.remaining.delete(key);
    else this.remaining.set(key, left - 1);
    return true;
  }

  reset(): void {
    this.remaining.clear();
  }
}
