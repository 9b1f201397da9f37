import { createSubscriber, MAX_TEMPLATES_PER_PROMPT, subscriptionMessage } from './subscribe';

const templates = { couponArrival: 'tpl-coupon', pointsExpiry: 'tpl-points' };

describe('requestSubscription', () => {
  it('asks WeChat for the topics’ templates and sorts the answers', async () => {
    const prompt = jest.fn(async (_ids: string[]) => ({ errMsg: 'requestSubscribeMessage:ok', 'tpl-coupon': 'accept', 'tpl-points': 'reject' }));
    const ask = createSubscriber({ supported: true, templates, prompt });
    const result = await ask(['couponArrival', 'pointsExpiry', 'couponArrival']);
    expect(prompt).toHaveBeenCalledWith(['tpl-coupon', 'tpl-points']);
    expect(result).toEqual({ supported: true, accepted: ['couponArrival'], rejected: ['pointsExpiry'], blocked: [], error: null });
    expect(subscriptionMessage(result)).toBe('部分提醒已开启');
  });

  it('reports templates the user turned off for good', async () => {
    const ask = createSubscriber({ supported: true, templates, prompt: async () => ({ 'tpl-points': 'ban' }) });
    const result = await ask(['pointsExpiry']);
    expect(result.blocked).toEqual(['pointsExpiry']);
    expect(subscriptionMessage(result)).toMatch(/设置/);
  });

  it('reports a failed prompt instead of throwing', async () => {
    const ask = createSubscriber({
      supported: true,
      templates,
      prompt: async () => Promise.reject({ errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.', errCode: 20004 }),
    });
    const result = await ask(['couponArrival']);
    expect(result.error).toMatch(/TAP gesture/);
    expect(result.accepted).toEqual([]);
    expect(subscriptionMessage(result)).toBe('暂时无法开启提醒，请稍后再试');
  });

  it('asks nothing where subscribe messages do not exist (H5)', async () => {
    const prompt = jest.fn();
    const ask = createSubscriber({ supported: false, templates, prompt });
    const result = await ask(['couponArrival']);
    expect(prompt).not.toHaveBeenCalled();
    expect(result).toEqual({ supported: false, accepted: [], rejected: [], blocked: [], error: null });
    expect(subscriptionMessage(result)).toBe('消息提醒仅在微信小程序中可用');
  });

  it(`refuses more than ${MAX_TEMPLATES_PER_PROMPT} templates, or none`, async () => {
    const ask = createSubscriber({ supported: true, templates: { ...templates, x: 'a', y: 'b' } as never, prompt: async () => ({}) });
    await expect(ask(['couponArrival', 'pointsExpiry', 'x', 'y'] as never)).rejects.toThrow(RangeError);
    await expect(ask([])).rejects.toThrow(RangeError);
  });

  it('reports WeChat’s answers per template id to the server', async () => {
    const report = jest.fn(async () => ({ items: [] }));
    const ask = createSubscriber({ supported: true, templates, report, prompt: async () => ({ errMsg: 'requestSubscribeMessage:ok', 'tpl-coupon': 'accept', 'tpl-points': 'filter' }) });
    const result = await ask(['couponArrival', 'pointsExpiry']);
    expect(report).toHaveBeenCalledTimes(1);
    expect(report).toHaveBeenCalledWith({ 'tpl-coupon': 'accept', 'tpl-points': 'filter' });
    expect(result.accepted).toEqual(['couponArrival']);
  });

  it('still answers when the report fails, and reports nothing when nothing was asked or the prompt failed', async () => {
    const failing = jest.fn(async () => Promise.reject(new Error('offline')));
    const ask = createSubscriber({ supported: true, templates, report: failing, prompt: async () => ({ 'tpl-coupon': 'accept' }) });
    await expect(ask(['couponArrival'])).resolves.toMatchObject({ accepted: ['couponArrival'], error: null });
    expect(failing).toHaveBeenCalledTimes(1);

    const report = jest.fn(async () => ({}));
    await createSubscriber({ supported: false, templates, report, prompt: jest.fn() })(['couponArrival']);
    await createSubscriber({ supported: true, templates, report, prompt: async () => Promise.reject({ errMsg: 'requestSubscribeMessage:fail' }) })(['couponArrival']);
    await createSubscriber({ supported: true, templates, report, prompt: async () => ({ errMsg: 'requestSubscribeMessage:ok' }) })(['couponArrival']);
    expect(report).not.toHaveBeenCalled();
  });

  it('says 已开启提醒 when everything was accepted', () => {
    expect(subscriptionMessage({ supported: true, accepted: ['pointsExpiry'], rejected: [], blocked: [], error: null })).toBe('已开启提醒');
    expect(subscriptionMessage({ supported: true, accepted: [], rejected: ['pointsExpiry'], blocked: [], error: null })).toBe('未开启提醒');
  });
});
