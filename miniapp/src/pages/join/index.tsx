import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useRef, useState } from 'react';
import { api, isApiError, messageOf } from '../../api';
import { CheckRow } from '../../components/check-row';
import { ROUTES, withQuery } from '../../routes';
import { joinMembership } from './join-flow';
import { useJoinScene } from './use-join-scene';
import './index.scss';

const TERMS_SUMMARY =
  '加入会员即表示您同意品牌记录您的会员资料（昵称、生日、手机号）及消费记录，用于积分、优惠券与会员服务。' +
  '我们不会向第三方出售您的个人信息，您可随时在会员中心查看或更改营销消息设置。';

type Phase =
  | { kind: 'idle' }
  | { kind: 'submitting' }
  | { kind: 'error'; message: string; sceneRejected: boolean };

export default function JoinPage() {
  const sceneResult = useJoinScene();
  const [termsAccepted, setTermsAccepted] = useState(false);
  const [marketing, setMarketing] = useState(false);
  const [termsHint, setTermsHint] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  // Dropped after the server refuses the scene, when the shopper chooses to join without it.
  const [withScene, setWithScene] = useState(true);
  // A second tap can arrive before React re-renders with phase 'submitting'.
  const inFlight = useRef(false);

  const scene = sceneResult.kind === 'ok' && withScene ? sceneResult.scene : null;

  async function submit() {
    if (inFlight.current) return;
    if (!termsAccepted) {
      setTermsHint(true);
      return;
    }
    inFlight.current = true;
    setPhase({ kind: 'submitting' });
    try {
      const { isNew, welcomeGift } = await joinMembership(api, { scene, marketing });
      if (welcomeGift) {
        await Taro.showModal({ title: '入会成功', content: `入会礼已到账：${welcomeGift}`, showCancel: false, confirmText: '去看看' });
      } else {
        void Taro.showToast({ title: isNew ? '入会成功' : '欢迎回来', icon: 'success' });
      }
      await Taro.reLaunch({ url: withQuery(ROUTES.card, { welcome: isNew ? 1 : undefined }) });
    } catch (error) {
      setPhase({
        kind: 'error',
        message: messageOf(error),
        sceneRejected: isApiError(error) && error.code === 'JOIN_SCENE_NOT_FOUND',
      });
    } finally {
      inFlight.current = false;
    }
  }

  function joinWithoutScene() {
    setWithScene(false);
    setPhase({ kind: 'idle' });
  }

  function showTerms(event: { stopPropagation: () => void }) {
    event.stopPropagation();
    void Taro.showModal({ title: '会员协议', content: TERMS_SUMMARY, showCancel: false, confirmText: '我知道了' });
  }

  const submitting = phase.kind === 'submitting';

  return (
    <View className="page join" data-testid="join-page">
      <View className="card join__hero">
        <Text className="join__title">欢迎加入会员</Text>
        <Text className="join__subtitle">
          {scene ? '扫码入会，专属礼遇马上到手' : '成为会员，畅享积分与专属优惠'}
        </Text>
        <View className="join__benefits">
          <View className="join__benefit">
            <Text className="join__benefit-name">消费积分</Text>
            <Text className="muted">积分可兑换好礼</Text>
          </View>
          <View className="join__benefit">
            <Text className="join__benefit-name">会员优惠</Text>
            <Text className="muted">专属优惠券</Text>
          </View>
          <View className="join__benefit">
            <Text className="join__benefit-name">生日礼遇</Text>
            <Text className="muted">生日当月惊喜</Text>
          </View>
        </View>
      </View>

      {sceneResult.kind === 'invalid' ? (
        <View className="join__notice" role="status">
          <Text>二维码信息无法识别，将以普通方式加入会员。</Text>
        </View>
      ) : null}

      <View className="card">
        <CheckRow
          testId="join-terms"
          checked={termsAccepted}
          onChange={(checked) => {
            setTermsAccepted(checked);
            if (checked) setTermsHint(false);
          }}
        >
          <Text>我已阅读并同意</Text>
          <Text className="join__link" onClick={showTerms} data-testid="join-terms-link">
            《会员协议》
          </Text>
        </CheckRow>
        <CheckRow testId="join-marketing" checked={marketing} onChange={setMarketing}>
          <Text>接收优惠消息（可选）</Text>
          <Text className="muted join__hint">新品、活动与优惠券提醒，可随时在会员中心关闭</Text>
        </CheckRow>
        {termsHint ? (
          <Text className="join__error" data-testid="join-terms-hint">
            请先阅读并同意会员协议
          </Text>
        ) : null}
      </View>

      {phase.kind === 'error' ? (
        <View className="join__failure" role="alert" data-testid="join-error">
          <Text className="state__text--error">{phase.message}</Text>
          {phase.sceneRejected ? (
            <Button className="btn btn--plain join__alt" onClick={joinWithoutScene} data-testid="join-without-scene">
              不使用二维码，直接加入
            </Button>
          ) : null}
        </View>
      ) : null}

      <Button
        className={termsAccepted ? 'btn btn--primary' : 'btn btn--primary btn--inactive'}
        loading={submitting}
        onClick={() => void submit()}
        data-testid="join-submit"
      >
        {/* The label is an element: Taro's H5 button draws its spinner before it, and a bare text node that React replaces would break that. */}
        <Text>{submitting ? '正在加入…' : phase.kind === 'error' ? '重试' : '加入会员'}</Text>
      </Button>
    </View>
  );
}
