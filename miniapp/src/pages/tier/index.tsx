import { Text, View } from '@tarojs/components';
import { api } from '../../api';
import { LoadGate } from '../../components/load-gate';
import { formatDate } from '../../lib/format';
import { benefitLines, growthText, hasLadder, thresholdText, tierName, tierProgress } from '../../lib/tier';
import { StatusView } from '../../components/status-view';
import { useLoader } from '../../lib/use-loader';
import './index.scss';

/** The member's tier, progress to the next one, and what every tier gives. */
export default function TierPage() {
  const loader = useLoader(() => api.getTier(), { refreshOnShow: true });
  return (
    <LoadGate state={loader.state} testId="tier" loadingText="正在加载会员等级…" onRetry={() => void loader.reload()}>
      {(tier) => {
        const progress = tierProgress(tier);
        return (
          <View className="page tier-page">
            <View className="member-card">
              <Text className="member-card__brand">当前等级</Text>
              <Text className="tier-hero__name" data-testid="tier-current-name">
                {tierName(tier)}
              </Text>
              <Text className="tier-hero__note" data-testid="tier-growth">
                近 {tier.windowDays} 天{tier.basis === 'spend' ? '累计消费' : '累计获得'} {growthText(tier.basis, tier.growthValue)}
              </Text>
              <View className="tier-progress" role="progressbar" aria-valuenow={progress.percent} aria-valuemin={0} aria-valuemax={100} data-testid="tier-progress">
                <View className="tier-progress__bar" style={{ width: `${progress.percent}%` }} />
              </View>
              <Text className="tier-hero__note" data-testid="tier-progress-text">
                {progress.text}
              </Text>
              {tier.manual ? (
                <Text className="tier-hero__note" data-testid="tier-manual">
                  品牌特别授予的等级，有效期至 {formatDate(tier.manual.until)}
                </Text>
              ) : null}
              {tier.graceUntil ? (
                <Text className="tier-hero__note" data-testid="tier-grace">
                  保级期至 {formatDate(tier.graceUntil)}，期间继续消费即可保持当前等级
                </Text>
              ) : null}
            </View>

            <View className="card">
              <Text className="section-title">我的权益</Text>
              <View className="tier-level__benefits" data-testid="tier-benefits">
                {benefitLines(tier.benefits).map((line) => (
                  <Text className="badge" key={line}>
                    {line}
                  </Text>
                ))}
              </View>
            </View>

            <View className="card" data-testid="tier-ladder">
              <Text className="section-title">等级说明</Text>
              {!hasLadder(tier) ? <StatusView kind="empty" text="品牌暂未开放会员等级，敬请期待" testId="tier-ladder-empty" /> : null}
              {tier.ladder.map((level) => {
                const current = level.level === tier.effectiveLevel;
                return (
                  <View className={current ? 'tier-level tier-level--current' : 'tier-level'} key={level.level} data-testid="tier-ladder-item">
                    <View className="tier-level__head">
                      <Text className="row__label-strong">{level.name}</Text>
                      {current ? <Text className="badge badge--ok">当前等级</Text> : null}
                    </View>
                    <Text className="muted">{thresholdText(tier.basis, level.threshold, tier.windowDays)}</Text>
                    <View className="tier-level__benefits">
                      {benefitLines(level.benefits).map((line) => (
                        <Text className="badge badge--muted" key={line}>
                          {line}
                        </Text>
                      ))}
                    </View>
                  </View>
                );
              })}
            </View>
          </View>
        );
      }}
    </LoadGate>
  );
}
