import { Button, Input, Text, View } from '@tarojs/components';
import type { Coupon } from '@memberloop/shared';
import { fenToYuan } from '@memberloop/shared';
import { useEffect, useRef, useState } from 'react';
import { api, createActionKey, runKeyed } from '../../../api';
import { useConfirmedAction } from '../../../lib/use-confirmed-action';
import { normalizeCouponCode, parseYuan } from '../purchase';

interface RedeemFormProps {
  storeId: string | undefined;
  /** A code picked from the member's coupons (单独核销). */
  presetCode: string;
  onRedeemed(coupon: Coupon): void;
  onAuthError(error: unknown): void;
}

/** 核销优惠券 without recording a purchase: gift coupons, or when the POS records the sale. */
export function RedeemForm({ storeId, presetCode, onRedeemed, onAuthError }: RedeemFormProps) {
  const [code, setCode] = useState(presetCode);
  const [gross, setGross] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const action = useConfirmedAction<Coupon>('staff', onAuthError);
  const key = useRef(createActionKey());

  useEffect(() => {
    if (presetCode) setCode(presetCode);
  }, [presetCode]);

  async function submit() {
    const normalized = normalizeCouponCode(code);
    if (!normalized) {
      setFormError('请输入券码');
      return;
    }
    let grossFen: number | undefined;
    if (gross.trim()) {
      const parsed = parseYuan(gross);
      if (parsed === null) {
        setFormError('请输入正确的订单金额（元）');
        return;
      }
      grossFen = parsed;
    }
    setFormError(null);
    const body = { code: normalized, ...(storeId ? { storeId } : {}), ...(grossFen !== undefined ? { grossFen } : {}) };
    const coupon = await action.run(
      { title: '确认核销优惠券', content: `券码 ${normalized}${grossFen !== undefined ? `，订单金额 ¥${fenToYuan(grossFen)}` : ''}`, confirmText: '核销' },
      () => runKeyed(key.current, body, (idempotencyKey) => api.staff.redeemCoupon(body, idempotencyKey)),
    );
    if (coupon) {
      setCode('');
      setGross('');
      onRedeemed(coupon);
    }
  }

  const { state } = action;
  return (
    <View className="card" data-testid="clerk-redeem">
      <Text className="section-title">核销优惠券</Text>
      <View className="field">
        <Text className="field__label">券码</Text>
        <Input className="field__input" value={code} placeholder="输入或扫描券码" onInput={(e) => setCode(e.detail.value)} data-testid="clerk-redeem-code" />
      </View>
      <View className="field">
        <Text className="field__label">订单金额（元，折扣券必填）</Text>
        <Input className="field__input" type="digit" value={gross} placeholder="可选" onInput={(e) => setGross(e.detail.value)} data-testid="clerk-redeem-amount" />
      </View>
      {formError ? <Text className="form-error">{formError}</Text> : null}
      {state.kind === 'error' ? (
        <View role="alert" data-testid="clerk-redeem-error">
          <Text className="form-error">{state.message}</Text>
        </View>
      ) : null}
      {state.kind === 'done' ? (
        <View className="clerk-result" role="status" data-testid="clerk-redeem-result">
          <Text>
            已核销「{state.result.template.name}」
            {state.result.template.kind === 'gift'
              ? `，请发放赠品：${state.result.template.giftName ?? '赠品'}`
              : state.result.discountFen
                ? `，优惠 ¥${fenToYuan(state.result.discountFen)}`
                : ''}
          </Text>
        </View>
      ) : null}
      <Button className="btn btn--primary" loading={state.kind === 'busy'} onClick={() => void submit()} data-testid="clerk-redeem-submit">
        核销
      </Button>
    </View>
  );
}
