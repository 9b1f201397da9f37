import { Button, Input, Text, View } from '@tarojs/components';
import type { PurchaseResult, Tier } from '@memberloop/shared';
import { fenToYuan } from '@memberloop/shared';
import { useEffect, useRef, useState } from 'react';
import { api, createActionKey, runKeyed } from '../../../api';
import { formatDate } from '../../../lib/format';
import { useConfirmedAction } from '../../../lib/use-confirmed-action';
import { buildPurchase, normalizeCouponCode, type ItemDraft } from '../purchase';

interface PurchaseFormProps {
  memberId: string;
  storeId: string | undefined;
  storeName: string;
  /** Codes picked in the member panel; typed ones are added here too. */
  couponCodes: string[];
  onCouponCodes(codes: string[]): void;
  ladder: Tier[];
  onRecorded(result: PurchaseResult): void;
  onAuthError(error: unknown): void;
}

const EMPTY_ITEM: ItemDraft = { sku: '', name: '', quantity: '1', unitPrice: '' };

/** 记录消费: amount in yuan, optional items and coupons; one Idempotency-Key per confirmed purchase. */
export function PurchaseForm({ memberId, storeId, storeName, couponCodes, onCouponCodes, ladder, onRecorded, onAuthError }: PurchaseFormProps) {
  const [amount, setAmount] = useState('');
  const [items, setItems] = useState<ItemDraft[]>([]);
  const [typedCode, setTypedCode] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const action = useConfirmedAction<PurchaseResult>('staff', onAuthError);
  // One key per purchase: the same while the clerk retries the same purchase after a lost
  // answer, a new one once it is recorded or the form changes.
  const key = useRef(createActionKey());

  useEffect(() => {
    key.current.reset();
    action.reset();
    setAmount('');
    setItems([]);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a new member starts a new purchase
  }, [memberId]);

  function addCode() {
    const code = normalizeCouponCode(typedCode);
    if (!code) return;
    if (!couponCodes.includes(code)) onCouponCodes([...couponCodes, code]);
    setTypedCode('');
  }

  function setItem(index: number, patch: Partial<ItemDraft>) {
    setItems((current) => current.map((item, i) => (i === index ? { ...item, ...patch } : item)));
  }

  async function submit() {
    const built = buildPurchase({ amount, items, couponCodes }, { memberId, storeId });
    if (!built.ok) {
      setFormError(built.error);
      return;
    }
    setFormError(null);
    const body = built.value;
    const coupons = body.couponCodes?.length ? `，使用 ${body.couponCodes.length} 张优惠券` : '';
    const result = await action.run(
      { title: '确认记录消费', content: `${storeName}：消费 ¥${fenToYuan(body.amountFen)}${coupons}`, confirmText: '记录' },
      () => runKeyed(key.current, body, (idempotencyKey) => api.staff.recordPurchase(body, idempotencyKey)),
    );
    if (result) {
      setAmount('');
      setItems([]);
      onCouponCodes([]);
      onRecorded(result);
    }
  }

  const { state } = action;
  const tierName = (level: number) => ladder.find((t) => t.level === level)?.name ?? `等级 ${level}`;

  return (
    <View className="card" data-testid="clerk-purchase">
      <Text className="section-title">记录消费</Text>
      <View className="field">
        <Text className="field__label">消费金额（元）</Text>
        <Input className="field__input" type="digit" value={amount} placeholder="如 128.50" onInput={(e) => setAmount(e.detail.value)} data-testid="clerk-purchase-amount" />
      </View>

      <View className="field">
        <Text className="field__label">商品明细（可选，合计须等于消费金额）</Text>
        {items.map((item, index) => (
          <View className="clerk-item" key={index} data-testid="clerk-item">
            <Input className="field__input clerk-item__sku" value={item.sku} placeholder="商品编码" onInput={(e) => setItem(index, { sku: e.detail.value })} data-testid="clerk-item-sku" />
            <Input className="field__input clerk-item__name" value={item.name} placeholder="名称（可选）" onInput={(e) => setItem(index, { name: e.detail.value })} data-testid="clerk-item-name" />
            <Input className="field__input clerk-item__qty" type="number" value={item.quantity} placeholder="数量" onInput={(e) => setItem(index, { quantity: e.detail.value })} data-testid="clerk-item-qty" />
            <Input className="field__input clerk-item__price" type="digit" value={item.unitPrice} placeholder="单价（元）" onInput={(e) => setItem(index, { unitPrice: e.detail.value })} data-testid="clerk-item-price" />
            <Text className="clerk-item__remove" onClick={() => setItems((current) => current.filter((_, i) => i !== index))} data-testid="clerk-item-remove">
              删除
            </Text>
          </View>
        ))}
        <Text className="row__chevron" onClick={() => setItems((current) => [...current, { ...EMPTY_ITEM }])} data-testid="clerk-item-add">
          + 添加商品
        </Text>
      </View>

      <View className="field">
        <Text className="field__label">使用优惠券（可选，最多 5 张）</Text>
        <View className="clerk-search">
          <Input className="field__input" value={typedCode} placeholder="输入或扫描券码" onInput={(e) => setTypedCode(e.detail.value)} data-testid="clerk-purchase-coupon-input" />
          <Button className="btn btn--plain btn--small" onClick={addCode} data-testid="clerk-purchase-coupon-add">
            添加
          </Button>
        </View>
        {couponCodes.length ? (
          <View className="clerk-chips" data-testid="clerk-purchase-coupons">
            {couponCodes.map((code) => (
              <View className="clerk-chip" key={code} onClick={() => onCouponCodes(couponCodes.filter((c) => c !== code))} data-testid="clerk-purchase-coupon">
                <Text>{code} ×</Text>
              </View>
            ))}
          </View>
        ) : null}
      </View>

      {formError ? (
        <Text className="form-error" data-testid="clerk-purchase-form-error">
          {formError}
        </Text>
      ) : null}
      {state.kind === 'error' ? (
        <View role="alert" data-testid="clerk-purchase-error">
          <Text className="form-error">{state.message}</Text>
        </View>
      ) : null}
      {state.kind === 'done' ? (
        <View className="clerk-result" role="status" data-testid="clerk-purchase-result">
          <Text>
            已记录消费 ¥{fenToYuan(state.result.order.grossFen)}
            {state.result.order.discountFen > 0 ? `，优惠 ¥${fenToYuan(state.result.order.discountFen)}` : ''}，实付 ¥{fenToYuan(state.result.order.paidFen)}。
            获得 {state.result.order.pointsEarned} 积分
            {state.result.pointsLockedUntil && state.result.order.pointsEarned > 0 ? `（${formatDate(state.result.pointsLockedUntil)} 后可用）` : ''}，积分余额 {state.result.pointsBalance}。
            {state.result.tier.upgraded ? `会员已升级为${tierName(state.result.tier.level)}！` : ''}
          </Text>
        </View>
      ) : null}
      <Button className="btn btn--primary" loading={state.kind === 'busy'} onClick={() => void submit()} data-testid="clerk-purchase-submit">
        记录消费
      </Button>
    </View>
  );
}
