import type { MemberLoginResponse, MemberProfile } from '@memberloop/shared';
import { ApiError } from '../../api/errors';
import { joinMembership, welcomeGiftOf } from './join-flow';

function member(granted: boolean): MemberProfile {
  return {
    id: 'mbr_01JD3ZQ8W7X9K2M4N6P8R0T2V4',
    memberNo: '10000001',
    brandId: 'brd_01JD3ZQ8W7X9K2M4N6P8R0T2V0',
    nickname: null,
    birthday: null,
    phone: null,
    phoneBoundAt: null,
    marketingConsent: { granted, changedAt: granted ? '2026-11-24T02:00:00.000Z' : null },
    joinedAt: '2026-11-24T02:00:00.000Z',
    joinSource: { type: 'store', storeId: null, staffId: null, campaignId: null },
    status: 'active',
  };
}

function fakeApi(alreadyGranted = false, isNew = true) {
  const login = jest.fn(
    async (_scene?: string, _options?: { join?: boolean }): Promise<MemberLoginResponse> => ({
      token: 't',
      expiresAt: '2099-01-01T00:00:00Z',
      isNew,
      member: member(alreadyGranted),
    }),
  );
  const setMarketingConsent = jest.fn(async (granted: boolean) => member(granted));
  return { login, setMarketingConsent };
}

describe('joinMembership', () => {
  it('logs in with the scene and sets consent when ticked', async () => {
    const api = fakeApi();
    const outcome = await joinMembership(api, { scene: 's=ST7K2Q', marketing: true });
    expect(api.login).toHaveBeenCalledWith('s=ST7K2Q', { join: true });
    expect(api.setMarketingConsent).toHaveBeenCalledWith(true);
    expect(outcome).toMatchObject({ isNew: true, member: { marketingConsent: { granted: true } } });
  });

  it('joins without a scene and leaves consent alone when not ticked', async () => {
    const api = fakeApi();
    await joinMembership(api, { scene: null, marketing: false });
    expect(api.login).toHaveBeenCalledWith(undefined, { join: true });
    expect(api.setMarketingConsent).not.toHaveBeenCalled();
  });

  it('does not ask again when a returning member already consented', async () => {
    const api = fakeApi(true, false);
    const outcome = await joinMembership(api, { scene: null, marketing: true });
    expect(api.setMarketingConsent).not.toHaveBeenCalled();
    expect(outcome.isNew).toBe(false);
  });

  it('passes a failed login on', async () => {
    const api = fakeApi();
    api.login.mockRejectedValueOnce(new ApiError('JOIN_SCENE_NOT_FOUND', 'gone', 404));
    await expect(joinMembership(api, { scene: 'x', marketing: true })).rejects.toMatchObject({ code: 'JOIN_SCENE_NOT_FOUND' });
    expect(api.setMarketingConsent).not.toHaveBeenCalled();
  });
});

describe('welcome gift', () => {
  it('is none while the server sends none', async () => {
    const api = fakeApi();
    expect((await joinMembership(api, { scene: null, marketing: false })).welcomeGift).toBeNull();
    expect(welcomeGiftOf({ token: 't' })).toBeNull();
    expect(welcomeGiftOf(null)).toBeNull();
  });

  it('is read from a later server\'s answer, ignoring what it cannot use', () => {
    expect(welcomeGiftOf({ welcomeGift: { points: 100, coupons: [{ name: '新人10元券' }, { name: '' }, {}] } })).toBe('100 积分、新人10元券');
    expect(welcomeGiftOf({ welcomeGift: { points: -5, coupons: 'x' } })).toBeNull();
    expect(welcomeGiftOf({ welcomeGift: 'yes' })).toBeNull();
  });

  it('is shown to new members only', async () => {
    const api = fakeApi(false, false);
    api.login.mockResolvedValueOnce({ ...(await api.login()), isNew: false, welcomeGift: { points: 50 } } as never);
    expect((await joinMembership(api, { scene: null, marketing: false })).welcomeGift).toBeNull();
  });
});
