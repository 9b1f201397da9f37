import { Button, Input, Text, View } from '@tarojs/components';
import type { MemberStaffView } from '@memberloop/shared';
import { useEffect, useState } from 'react';
import { api } from '../../../api';
import { useConfirmedAction } from '../../../lib/use-confirmed-action';
import { parsePhone } from '../purchase';

interface PhoneFormProps {
  member: MemberStaffView;
  storeId: string | undefined;
  onBound(member: MemberStaffView): void;
  onAuthError(error: unknown): void;
}

/** 绑定手机号: the number the member gives at the counter (shown back to the clerk masked). */
export function PhoneForm({ member, storeId, onBound, onAuthError }: PhoneFormProps) {
  const [phone, setPhone] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const action = useConfirmedAction<MemberStaffView>('staff', onAuthError);

  useEffect(() => {
    action.reset();
    setPhone('');
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a new member
  }, [member.id]);

  async function submit() {
    const parsed = parsePhone(phone);
    if (!parsed.ok) {
      setFormError(parsed.error);
      return;
    }
    setFormError(null);
    const updated = await action.run(
      { title: '确认绑定手机号', content: `为会员 ${member.memberNo} 绑定 ${parsed.value}？请与会员核对号码。`, confirmText: '绑定' },
      () => api.staff.bindMemberPhone(member.id, { phone: parsed.value, ...(storeId ? { storeId } : {}) }),
    );
    if (updated) {
      setPhone('');
      onBound(updated);
    }
  }

  const { state } = action;
  return (
    <View className="card" data-testid="clerk-phone">
      <Text className="section-title">绑定手机号</Text>
      {member.maskedPhone ? <Text className="muted">已绑定 {member.maskedPhone}；更换号码需会员本人在小程序中操作</Text> : null}
      <View className="clerk-search">
        <Input className="field__input" type="number" maxlength={20} value={phone} placeholder="会员手机号" onInput={(e) => setPhone(e.detail.value)} data-testid="clerk-phone-input" />
        <Button className="btn btn--primary btn--small" loading={state.kind === 'busy'} onClick={() => void submit()} data-testid="clerk-phone-submit">
          绑定
        </Button>
      </View>
      {formError ? <Text className="form-error">{formError}</Text> : null}
      {state.kind === 'error' ? (
        <View role="alert" data-testid="clerk-phone-error">
          <Text className="form-error">{state.message}</Text>
        </View>
      ) : null}
      {state.kind === 'done' ? (
        <View className="clerk-result" role="status" data-testid="clerk-phone-result">
          <Text>已绑定手机号 {state.result.maskedPhone}</Text>
        </View>
      ) : null}
    </View>
  );
}
