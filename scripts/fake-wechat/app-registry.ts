/** The mini-program apps the fake knows, and the appid/secret checks WeChat performs. */
import { failure, Outcome, success, WechatErrcode, wxError } from './errors';
import { secretsEqual } from './identity';
import type { FakeWechatApp } from './types';

export interface AppRecord {
  appId: string;
  secret: string;
  issueUnionid: boolean;
}

export class AppRegistry {
  private readonly apps = new Map<string, AppRecord>();
  readonly defaultApp: AppRecord;

  constructor(apps: readonly FakeWechatApp[]) {
    for (const app of apps) {
      if (this.apps.has(app.appId)) throw new Error(`fake-wechat: duplicate appId ${app.appId}`);
      this.apps.set(app.appId, { appId: app.appId, secret: app.secret, issueUnionid: app.issueUnionid === true });
    }
    const first = this.apps.values().next();
    if (first.done) throw new Error('fake-wechat: at least one app is required');
    this.defaultApp = first.value;
  }

  get(appId: string): AppRecord | undefined {
    return this.apps.get(appId);
  }

  appIds(): string[] {
    return [...this.apps.keys()];
  }

  /** appid + secret as sent to stable_token or jscode2session. */
  authenticate(appid: unknown, secret: unknown): Outcome<AppRecord> {
    if (appid === undefined || appid === null || appid === '') return failure(wxError(WechatErrcode.APPID_MISSING));
    const app = typeof appid === 'string' ? this.apps.get(appid) : undefined;
    if (!app) return failure(wxError(WechatErrcode.INVALID_APPID));
    if (secret === undefined || secret === null || secret === '') {
      return failure(wxError(WechatErrcode.APPSECRET_MISSING));
    }
    if (typeof secret !== 'string' || !secretsEqual(secret, app.secret)) {
      return failure(wxError(WechatErrcode.INVALID_APPSECRET));
    }
    return success(app);
  }

  /** An optional appid given to a dev endpoint: the default app when absent. */
  resolve(appId: unknown): Outcome<AppRecord> {
    if (appId === undefined || appId === null || appId === '') return success(this.defaultApp);
    const app = typeof appId === 'string' ? this.apps.get(appId) : undefined;
    return app ? success(app) : failure(wxError(WechatErrcode.INVALID_APPID));
  }
}
