import { initialCatalogue, LADDER } from '../../test/fixtures';
import { MALL_QUANTITY_MAX as SHARED_MALL_QUANTITY_MAX } from '@memberloop/shared';
import { EMPTY_ADDRESS, MALL_QUANTITY_MAX, maxQuantity, priceText, tierLabel, unavailableText, validateAddress } from './mall';

const [bag, cup, voucher, giftBox, soldOut] = initialCatalogue();

describe('prices and availability', () => {
  it('writes points and any cash part', () => {
    expect(priceText(bag!)).toBe('200 积分');
    expect(priceText(cup!)).toBe('800 积分 + ¥10');
    expect(priceText(cup!, 2)).toBe('1600 积分 + ¥20');
  });

  it('says why an item cannot be exchanged', () => {
    expect(unavailableText(bag!, LADDER)).toBeNull();
    expect(unavailableText(giftBox!, LADDER)).toBe('金卡会员及以上可兑换');
    expect(unavailableText(giftBox!, null)).toBe('等级 2及以上可兑换');
    expect(unavailableText(soldOut!, LADDER)).toBe('已兑完');
    expect(unavailableText({ ...bag!, canExchange: false, reason: 'MALL_LIMIT_REACHED' }, LADDER)).toBe('已达兑换上限');
    expect(tierLabel(1, LADDER)).toBe('银卡会员');
  });

  it('caps the quantity by stock, limit, points and the per-exchange maximum', () => {
    expect(maxQuantity(bag!, 10_000)).toBe(2); // per-member limit
    expect(maxQuantity(voucher!, 10_000)).toBe(10); // per-exchange maximum
    expect(maxQuantity(voucher!, 1200)).toBe(2); // points
    expect(maxQuantity(cup!, null)).toBe(10);
    expect(maxQuantity({ ...cup!, stock: 3 }, null)).toBe(3);
    expect(maxQuantity(voucher!, 100)).toBe(0);
  });
});

describe('validateAddress', () => {
  const full = { name: '林小姐', phone: '138 1234 1234', province: '上海市', city: '上海市', district: '静安区', detail: '南京西路1515号 20楼' };

  it('accepts a full address and normalises the phone', () => {
    expect(validateAddress(full)).toEqual({ ok: true, value: { ...full, phone: '13812341234' } });
  });

  it('names the first missing or wrong field', () => {
    expect(validateAddress(EMPTY_ADDRESS)).toEqual({ ok: false, field: 'name', error: '请填写收货人' });
    expect(validateAddress({ ...full, detail: ' ' })).toEqual({ ok: false, field: 'detail', error: '请填写详细地址' });
    expect(validateAddress({ ...full, phone: '123' })).toEqual({ ok: false, field: 'phone', error: '请输入正确的 11 位手机号' });
    expect(validateAddress({ ...full, name: '很'.repeat(51) })).toEqual({ ok: false, field: 'name', error: '收货人最多 50 个字' });
  });
});

it('uses the per-exchange maximum of @memberloop/shared', () => {
  expect(MALL_QUANTITY_MAX).toBe(SHARED_MALL_QUANTITY_MAX);
});
