/** The WeChat users the fake has met, per app: who an openid belongs to. */
import { deriveOpenid, randomUserKey } from './identity';

export interface Identity {
  openid: string;
  /** The person behind the openid; unionids derive from it. */
  userKey: string;
}

export class UserDirectory {
  private readonly byApp = new Map<string, Map<string, string>>();

  /** Who logs in: a named user, an exact openid, or (neither given) a new random person. */
  identify(appId: string, who: { user?: string; openid?: string }): Identity {
    if (who.openid !== undefined) {
      const known = this.byApp.get(appId)?.get(who.openid);
      return { openid: who.openid, userKey: known ?? `openid:${appId}:${who.openid}` };
    }
    const userKey = who.user !== undefined ? `user:${who.user}` : randomUserKey();
    return { openid: deriveOpenid(appId, userKey), userKey };
  }

  remember(appId: string, identity: Identity): void {
    let users = this.byApp.get(appId);
    if (!users) {
      users = new Map();
      this.byApp.set(appId, users);
    }
    users.set(identity.openid, identity.userKey);
  }

  isKnown(appId: string, openid: string): boolean {
    return this.byApp.get(appId)?.has(openid) ?? false;
  }
}
