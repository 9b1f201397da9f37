import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createFakeBackend, type FakeBackend } from '../../../test/fake-backend';
import { ITEM_IDS, STORE_A } from '../../../test/fixtures';
import * as taro from '../../../test/stubs/taro';
import MallPage from '../../pages/mall/index';
import MallExchangePage from './exchange/index';
import MallExchangesPage from './exchanges/index';
import MallItemPage from './item/index';

let backend: FakeBackend;

beforeEach(() => {
  backend = createFakeBackend();
  backend.seedMember('wx-member', { joinSource: { type: 'store', storeId: STORE_A, staffId: null, campaignId: null } });
  taro.login.mockImplementation(async () => ({ code: backend.issueCode('wx-member'), errMsg: 'login:ok' }));
  taro.request.mockImplementation((options) => backend.taroRequest(options));
});

async function tap(testId: string) {
  await act(async () => {
    fireEvent.click(screen.getByTestId(testId));
  });
}

function type(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

function item(name: string): HTMLElement {
  return screen.getAllByTestId('mall-item').find((el) => el.textContent?.includes(name))!;
}

async function openItem(id: string) {
  taro.setRouterParams({ id });
  render(<MallItemPage />);
  await screen.findByTestId('mall-detail');
}

describe('mall catalogue (tab page)', () => {
  it('lists items with points price, stock and tier limits, and the member’s points', async () => {
    render(<MallPage />);
    expect(screen.getByTestId('mall-loading')).toBeTruthy();
    expect((await screen.findByTestId('mall-points-available')).textContent).toBe('1080');
    expect(screen.getAllByTestId('mall-item-name').map((el) => el.textContent)).toEqual(['品牌帆布袋', '保温杯', '50元代金券', '限量香氛礼盒', '联名徽章']);
    expect(within(item('保温杯')).getByTestId('mall-item-price').textContent).toBe('800 积分 + ¥10');
    expect(within(item('品牌帆布袋')).getByTestId('mall-item-stock').textContent).toBe('库存 50');
    expect(within(item('限量香氛礼盒')).getByTestId('mall-item-tier').textContent).toBe('金卡会员专享');
    expect(within(item('限量香氛礼盒')).getByTestId('mall-item-unavailable').textContent).toBe('金卡会员及以上可兑换');
    expect(within(item('联名徽章')).getByTestId('mall-item-unavailable').textContent).toBe('已兑完');
    fireEvent.click(item('品牌帆布袋'));
    expect(taro.navigateTo).toHaveBeenCalledWith({ url: `/packages/mall/item/index?id=${ITEM_IDS.bag}` });
    fireEvent.click(screen.getByTestId('mall-my-exchanges'));
    expect(taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/mall/exchanges/index' });
  });

  it('shows an empty catalogue', async () => {
    backend.catalogue.splice(0);
    render(<MallPage />);
    expect(await screen.findByTestId('mall-empty')).toBeTruthy();
  });
});

describe('mall item and exchange', () => {
  it('exchanges a pickup item at the join store after confirming, once, and opens the exchange', async () => {
    await openItem(ITEM_IDS.bag);
    expect(screen.getByTestId('mall-detail-name').textContent).toBe('品牌帆布袋');
    expect(screen.getByTestId('mall-detail-limit').textContent).toBe('每人 2 件，已兑 0 件');
    await tap('mall-qty-plus');
    await tap('mall-qty-plus'); // capped at the limit of 2
    expect(screen.getByTestId('mall-qty-value').textContent).toBe('2');
    expect(screen.getByTestId('mall-detail-total').textContent).toBe('400 积分');
    fireEvent.change(screen.getByTestId('mall-pickup-store'), { target: { value: '1' } });
    expect(screen.getByTestId('mall-pickup-store-name').textContent).toBe('我的入会门店 ›');

    await tap('mall-exchange-submit');
    expect(taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认兑换', content: '使用 400 积分 兑换「品牌帆布袋」×2？兑换后凭提货码到店领取。' }));
    await waitFor(() => expect(taro.redirectTo).toHaveBeenCalled());
    const post = backend.calls.find((c) => c.method === 'POST' && c.url.endsWith('/mall/exchanges'))!;
    expect(post.data).toEqual({ itemId: ITEM_IDS.bag, quantity: 2, pickupStoreId: STORE_A });
    expect(post.header['Idempotency-Key']).toMatch(/^ml-/);
    const exchange = backend.world('wx-member').exchanges[0]!;
    expect(taro.redirectTo).toHaveBeenCalledWith({ url: `/packages/mall/exchange/index?id=${exchange.id}` });
    expect(backend.world('wx-member').points.available).toBe(680);
  });

  it('asks for a shipping address and sends it', async () => {
    await openItem(ITEM_IDS.cup);
    await tap('mall-exchange-submit');
    expect(screen.getByTestId('mall-address-error').textContent).toBe('请填写收货人');
    expect(taro.showModal).not.toHaveBeenCalled();
    type('mall-address-name', '林小姐');
    type('mall-address-phone', '13812341234');
    type('mall-address-province', '上海市');
    type('mall-address-city', '上海市');
    type('mall-address-district', '静安区');
    type('mall-address-detail', '南京西路1515号');
    await tap('mall-exchange-submit');
    await waitFor(() => expect(taro.redirectTo).toHaveBeenCalled());
    const post = backend.calls.find((c) => c.method === 'POST' && c.url.endsWith('/mall/exchanges'))!;
    expect(post.data).toMatchObject({ itemId: ITEM_IDS.cup, quantity: 1, shippingAddress: { name: '林小姐', phone: '13812341234', detail: '南京西路1515号' } });
  });

  it('shows why an item cannot be exchanged', async () => {
    await openItem(ITEM_IDS.giftBox);
    const button = screen.getByTestId('mall-exchange-submit') as HTMLButtonElement;
    expect(button.textContent).toBe('金卡会员及以上可兑换');
    expect(button.disabled).toBe(true);
    expect(screen.getByTestId('mall-detail-tier').textContent).toBe('金卡会员及以上');
  });

  it('says 积分不足 when the points do not cover one unit', async () => {
    backend.world('wx-member').points.available = 100;
    await openItem(ITEM_IDS.voucher);
    expect(screen.getByTestId('mall-exchange-submit').textContent).toBe('积分不足');
  });

  it('shows a refusal from the server', async () => {
    backend.failNext('POST /mall/exchanges', { status: 409, body: { code: 'MALL_OUT_OF_STOCK', message: 'gone' } });
    await openItem(ITEM_IDS.voucher);
    await tap('mall-exchange-submit');
    expect((await screen.findByTestId('mall-exchange-error')).textContent).toBe('该商品库存不足');
    expect(taro.redirectTo).not.toHaveBeenCalled();
  });

  it('says when the item is gone', async () => {
    await act(async () => {
      taro.setRouterParams({ id: 'itm_nope' });
      render(<MallItemPage />);
    });
    expect((await screen.findByTestId('mall-detail-error')).textContent).toContain('该商品不存在或已下架');
  });
});

describe('my exchanges', () => {
  async function exchangeBag() {
    const login = await backend.taroRequest({ url: 'http://127.0.0.1:3000/auth/member/login', method: 'POST', data: { code: backend.issueCode('wx-member'), brandCode: 'demo', join: false } });
    const token = (login.data as { token: string }).token;
    await backend.taroRequest({ url: 'http://127.0.0.1:3000/mall/exchanges', method: 'POST', data: { itemId: ITEM_IDS.bag }, header: { Authorization: `Bearer ${token}` } });
    return backend.world('wx-member').exchanges[0]!;
  }

  it('lists exchanges with the pickup code', async () => {
    const exchange = await exchangeBag();
    render(<MallExchangesPage />);
    const row = await screen.findByTestId('mall-exchange-item');
    expect(within(row).getByTestId('mall-exchange-status').textContent).toBe('待提货');
    expect(within(row).getByTestId('mall-exchange-pickup-code').textContent).toBe(exchange.pickupCode);
    fireEvent.click(row);
    expect(taro.navigateTo).toHaveBeenCalledWith({ url: `/packages/mall/exchange/index?id=${exchange.id}` });
  });

  it('shows the empty list with a way to the mall', async () => {
    render(<MallExchangesPage />);
    expect(await screen.findByTestId('mall-exchanges-empty')).toBeTruthy();
    fireEvent.click(screen.getByTestId('mall-exchanges-browse'));
    expect(taro.switchTab).toHaveBeenCalledWith({ url: '/pages/mall/index' });
  });

  it('shows the pickup code as QR code and text, and cancels after confirming', async () => {
    const exchange = await exchangeBag();
    taro.setRouterParams({ id: exchange.id });
    render(<MallExchangePage />);
    expect((await screen.findByTestId('mall-exchange-detail-pickup-code')).textContent).toBe(exchange.pickupCode);
    expect(screen.getByTestId('mall-exchange-detail-qr').getAttribute('data-value')).toBe(exchange.pickupCode);

    await tap('mall-exchange-cancel');
    expect(taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '取消兑换' }));
    expect((await screen.findByTestId('mall-exchange-cancel-result')).textContent).toContain('200 积分已退回');
    expect(screen.getByTestId('mall-exchange-detail-status').textContent).toBe('已取消');
    expect(screen.queryByTestId('mall-exchange-cancel')).toBeNull();
    expect(screen.queryByTestId('mall-exchange-detail-qr')).toBeNull();
    const cancel = backend.calls.find((c) => c.url.endsWith('/cancel'))!;
    expect(cancel.header['Idempotency-Key']).toMatch(/^ml-/);
    expect(backend.world('wx-member').points.available).toBe(1080);
  });

  it('shows the shipping status of a shipped exchange', async () => {
    const exchange = await exchangeBag();
    Object.assign(exchange, { fulfilment: 'shipping', status: 'shipped', pickupCode: null, trackingNo: 'SF1234567890', cancellable: false });
    taro.setRouterParams({ id: exchange.id });
    render(<MallExchangePage />);
    expect((await screen.findByTestId('mall-exchange-detail-tracking')).textContent).toBe('运单号 SF1234567890');
    expect(screen.getByTestId('mall-exchange-detail-status').textContent).toBe('已发货');
    expect(screen.queryByTestId('mall-exchange-cancel')).toBeNull();
  });
});
