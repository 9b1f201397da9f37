import type { MessageContent } from '@memberloop/shared';
import { isValidWechatValue, renderText, renderWechat, validateContent, variablesIn, wechatFieldKind } from './render';

const zone = { timeZone: 'Asia/Shanghai' };

const content = (overrides: Partial<MessageContent> = {}): MessageContent => ({
  inbox: { title: '{{name}}，优惠券到账', body: '{{coupon}} 已放入卡包，{{couponExpiresAt}} 前有效' },
  ...overrides,
});

describe('renderText', () => {
  it('fills variables, renders null and missing ones as nothing, numbers as digits', () => {
    expect(renderText('{{name}} 您好，您有 {{ points }} 积分{{coupon}}', { name: '小明', points: 1200, coupon: null }, zone)).toBe('小明 您好，您有 1200 积分');
  });

  it('shows ISO instants as a date in the brand time zone', () => {
    // 16:30 UTC on the 30th is already the 1st in Shanghai
    expect(renderText('{{couponExpiresAt}} 前有效', { couponExpiresAt: '2026-11-30T16:30:00.000Z' }, zone)).toBe('2026年12月1日 前有效');
    expect(renderText('{{couponExpiresAt}}', { couponExpiresAt: '2026-11-30T16:30:00.000Z' }, { timeZone: 'UTC' })).toBe('2026年11月30日');
    expect(renderText('{{expiringDate}}', { expiringDate: '2026-12-31' }, zone)).toBe('2026-12-31');
  });

  it('lists the variables a text uses', () => {
    expect(variablesIn('{{name}} {{ tier }} {{name}}')).toEqual(['name', 'tier', 'name']);
  });
});

describe('renderWechat', () => {
  const coupon = { templateId: 'dev-tpl-coupon-arrival', page: 'pages/coupons/index', data: { thing1: '{{coupon}}', amount2: '{{couponValue}}', date3: '{{couponExpiresAt}}' } };

  it('renders each key by its type: bare amounts get ¥, instants become dates', () => {
    const rendered = renderWechat(coupon, { coupon: '满100减20券', couponValue: '20', couponExpiresAt: '2026-12-01T00:00:00Z' }, zone);
    expect(rendered).toEqual({
      ok: true,
      templateId: 'dev-tpl-coupon-arrival',
      page: 'pages/coupons/index',
      data: { thing1: { value: '满100减20券' }, amount2: { value: '¥20' }, date3: { value: '2026年12月1日' } },
      truncated: [],
    });
  });

  it('shortens a long thing with an ellipsis to exactly 20 characters when only words are cut', () => {
    const rendered = renderWechat({ templateId: 't', data: { thing1: '{{recommendedItem}}' } }, { recommendedItem: '春季新款轻薄透气男女同款休闲运动跑步鞋子限量版' }, zone);
    expect(rendered.ok).toBe(true);
    if (!rendered.ok) return;
    expect(rendered.data.thing1!.value).toBe('春季新款轻薄透气男女同款休闲运动跑步鞋…');
    expect(Array.from(rendered.data.thing1!.value)).toHaveLength(20);
    expect(rendered.truncated).toEqual(['thing1']);
  });

  it('keeps a figure whole: a thing whose cut would fall on points or a date is not sent on WeChat', () => {
    const rendered = renderWechat(
      { templateId: 't', data: { thing1: '{{name}}，您有{{expiringPoints}}积分即将过期' } },
      { name: '非常非常非常长的会员昵称呀', expiringPoints: 12000 },
      zone,
    );
    expect(rendered).toEqual({ ok: false, key: 'thing1', reason: expect.stringMatching(/figure would be cut/) });
    // the same text with the figure before the cut is shortened
    const early = renderWechat({ templateId: 't', data: { thing1: '{{expiringPoints}}积分将于月底过期，{{name}}请尽快使用' } }, { name: '小明同学你好呀', expiringPoints: 12000 }, zone);
    expect(early.ok && early.data.thing1!.value).toBe('12000积分将于月底过期，小明同学你…');
  });

  it('refuses values over their type limit instead of sending something WeChat rejects', () => {
    const cases: [string, string, string | number][] = [
      ['number1', '{{points}}', 'many'],
      ['number1', '{{points}}', '1'.repeat(33)],
      ['character_string1', '{{coupon}}', 'X'.repeat(33)],
      ['character_string1', '{{coupon}}', '中文券码'],
      ['phrase1', '{{tier}}', '钻石会员等级'],
      ['phrase1', '{{tier}}', 'Gold'],
      ['name1', '{{name}}', '欧阳一二三四五六七八九'],
      ['name1', '{{name}}', 'Alexander Maximilian Johnson'],
      ['amount1', '{{couponValue}}', '8折'],
      ['amount1', '{{couponValue}}', '12345678901'],
      ['amount1', '{{couponValue}}', '20.555'],
      ['phone_number1', '{{coupon}}', '+86 139 1111 2222 33'],
      ['date1', '{{expiringDate}}', '下个月'],
      ['time1', '{{expiringDate}}', '25:00'],
      ['thing1', '{{name}}', ''],
      ['short_thing1', '{{tier}}', '黄金会员等级'],
    ];
    for (const [key, template, value] of cases) {
      const rendered = renderWechat({ templateId: 't', data: { [key]: template } }, { points: value, coupon: value, tier: value, name: value, couponValue: value, expiringDate: value }, zone);
      expect({ key, value, ok: rendered.ok }).toEqual({ key, value, ok: false });
    }
  });

  it('accepts values within the limits', () => {
    const cases: [string, string | number, string][] = [
      ['number1', 1200, '1200'],
      ['number1', '12.5', '12.5'],
      ['character_string1', 'CPN-2026-0001', 'CPN-2026-0001'],
      ['phrase1', '黄金', '黄金'],
      ['name1', '欧阳娜娜', '欧阳娜娜'],
      ['name1', 'Anna Lee', 'Anna Lee'],
      ['amount1', '19.90', '¥19.90'],
      ['amount1', '¥200', '¥200'],
      ['amount1', 20, '¥20'],
      ['phone_number1', '400-820-8820', '400-820-8820'],
      ['date1', '2026-12-31', '2026-12-31'],
      ['date1', '2026-12-01T02:00:00Z', '2026年12月1日'],
      ['time1', '2026-12-01T02:00:00Z', '2026年12月1日 10:00'],
      ['time1', '18:30', '18:30'],
      ['letter1', 'VIP', 'VIP'],
      ['symbol1', '★', '★'],
    ];
    for (const [key, value, expected] of cases) {
      const rendered = renderWechat({ templateId: 't', data: { [key]: '{{coupon}}' } }, { coupon: value }, zone);
      expect({ key, value, rendered: rendered.ok ? rendered.data[key]!.value : rendered.reason }).toEqual({ key, value, rendered: expected });
    }
  });

  it('knows the field type from the key', () => {
    expect(wechatFieldKind('thing12')).toBe('thing');
    expect(wechatFieldKind('character_string3')).toBe('character_string');
    expect(wechatFieldKind('short_thing1')).toBe('short_thing');
    expect(wechatFieldKind('thingy1')).toBeUndefined();
    expect(wechatFieldKind('thing')).toBeUndefined();
    expect(isValidWechatValue('thing', ' ')).toBe(false);
  });
});

describe('validateContent', () => {
  it('accepts a full message using known variables', () => {
    expect(
      validateContent(
        content({
          sms: { text: '【{{brand}}】{{name}}，您的{{coupon}}已到账，{{couponExpiresAt}}前有效。退订回T' },
          wechat: { templateId: 'dev-tpl-coupon-arrival', data: { thing1: '{{coupon}}', amount2: '{{couponValue}}', date3: '{{couponExpiresAt}}' } },
        }),
      ),
    ).toEqual([]);
  });

  it('names unknown variables and malformed placeholders with their path', () => {
    expect(validateContent(content({ sms: { text: '{{nickname}} 您好 {{name' } }))).toEqual([
      { path: '/sms/text', message: expect.stringMatching(/unknown variable \{\{nickname\}\}/) },
      { path: '/sms/text', message: expect.stringMatching(/malformed/) },
    ]);
  });

  it('names WeChat keys of no known type and literal values that can never fit', () => {
    const problems = validateContent(content({ wechat: { templateId: 't', data: { thingy1: 'x', phrase2: 'Gold member', thing3: '{{unknownThing}}' } } }));
    expect(problems.map((p) => p.path)).toEqual(['/wechat/data/thingy1', '/wechat/data/phrase2', '/wechat/data/thing3']);
  });

  it('reports shape problems (no inbox version, extra fields) from the schema', () => {
    expect(validateContent({ sms: { text: 'hi' } })).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/inbox' })]));
    expect(validateContent({ ...content(), email: {} }).length).toBeGreaterThan(0);
    expect(validateContent(null).length).toBeGreaterThan(0);
  });
});
