import { Button, Input, Text, View } from '@tarojs/components';
import type { MallExchange, PickupLookup } from '@memberloop/shared';
import { useRef, useState } from 'react';
import { api, createActionKey, messageOf, runKeyed } from '../../../api';
import { friendlyMessage } from '../../../api/errors';
import { EXCHANGE_STATUS_LABEL } from '../../../lib/mall';
import { useConfirmedAction } from '../../../lib/use-confirmed-action';
import { parsePickupCode } from '../purchase';

interface PickupFormProps {
  storeId: string | undefined;
  onAuthError(error: unknown): void;
}

/** 积分商城提货: look the code up, then hand the item over (one Idempotency-Key per hand-over). */
export function PickupForm({ storeId, onAuthError }: PickupFormProps) {
  const [code, setCode] = useState('');
  const [lookup, setLookup] = useState<{ kind: 'none' } | { kind: 'busy' } | { kind: 'found'; found: PickupLookup } | { kind: 'error'; message: string }>({ kind: 'none' });
  const action = useConfirmedAction<MallExchange>('staff', onAuthError);
  const key = useRef(createActionKey());

  async function find() {
    const parsed = parsePickupCode(code);
    if (!parsed.ok) {
      setLookup({ kind: 'error', message: parsed.error });
      return;
    }
    action.reset();
    setLookup({ kind: 'busy' });
    try {
      setLookup({ kind: 'found', found: await api.staff.lookupPickup(parsed.value, storeId) });
    } catch (error) {
      setLookup({ kind: 'error', message: messageOf(error, 'staff') });
      onAuthError(error);
    }
  }

  async function handOver(found: PickupLookup) {
    const pickupCode = found.exchange.pickupCode ?? code;
    const body = { pickupCode, ...(storeId ? { storeId } : {}) };
    const exchange = await action.run(
      { title: '确认提货', content: `将「${found.exchange.item.name}」×${found.exchange.quantity} 交给会员？`, confirmText: '确认提货' },
      () => runKeyed(key.current, body, (idempotencyKey) => api.staff.verifyPickup(body, idempotencyKey)),
    );
    if (exchange) {
      setLookup({ kind: 'found', found: { ...found, exchange, canPickUp: false, reason: null } });
      setCode('');
    }
  }

  const { state } = action;
  return (
    <View className="card" data-testid="clerk-pickup">
      <Text className="section-title">积分商城提货</Text>
      <View className="clerk-search">
        <Input className="field__input" type="number" maxlength={12} value={code} placeholder="会员出示的 8 位提货码" onInput={(e) => setCode(e.detail.value)} data-testid="clerk-pickup-code" />
        <Button className="btn btn--plain btn--small" loading={lookup.kind === 'busy'} onClick={() => void find()} data-testid="clerk-pickup-lookup">
          查询
        </Button>
      </View>
      {lookup.kind === 'error' ? (
        <View role="alert" data-testid="clerk-pickup-lookup-error">
          <Text className="form-error">{lookup.message}</Text>
        </View>
      ) : null}
      {lookup.kind === 'found' ? (
        <View data-testid="clerk-pickup-info">
          <View className="row">
            <Text className="row__label">商品</Text>
            <Text className="row__value">
              {lookup.found.exchange.item.name} ×{lookup.found.exchange.quantity}
            </Text>
          </View>
          <View className="row">
            <Text className="row__label">状态</Text>
            <Text className="row__value" data-testid="clerk-pickup-status">
              {EXCHANGE_STATUS_LABEL[lookup.found.exchange.status]}
            </Text>
          </View>
          {!lookup.found.canPickUp && lookup.found.reason ? <Text className="form-error">{friendlyMessage(lookup.found.reason, 409, 'staff')}</Text> : null}
          {lookup.found.canPickUp ? (
            <Button className="btn btn--primary" loading={state.kind === 'busy'} onClick={() => void handOver(lookup.found)} data-testid="clerk-pickup-submit">
              确认提货
            </Button>
          ) : null}
        </View>
      ) : null}
      {state.kind === 'error' ? (
        <View role="alert" data-testid="clerk-pickup-error">
          <Text className="form-error">{state.message}</Text>
        </View>
      ) : null}
      {state.kind === 'done' ? (
        <View className="clerk-result" role="status" data-testid="clerk-pickup-result">
          <Text>
            提货成功：{state.result.item.name} ×{state.result.quantity}
          </Text>
        </View>
      ) : null}
    </View>
  );
}
