import { Button, Text, View } from '@tarojs/components';
import type { PointEntriesPage, PointsExpiring, PointsSummary } from '@memberloop/shared';
import Taro from '@tarojs/taro';
import { useRef, useState } from 'react';
import { api, createActionKey, hasCode, messageOf, runKeyed } from '../../api';
import { LoadGate } from '../../components/load-gate';
import { StatusView } from '../../components/status-view';
import { formatDate, formatDateTime } from '../../lib/format';
import { checkedInToday, entryDetail, entryTitle, signedPoints } from '../../lib/points';
import { requestSubscription, subscriptionMessage } from '../../lib/subscribe-message';
import { useLoader } from '../../lib/use-loader';
import './index.scss';

const PAGE_SIZE = 20;

interface PointsPageData {
  summary: PointsSummary;
  history: PointEntriesPage;
  expiring: PointsExpiring;
}

async function loadPointsPage(): Promise<PointsPageData> {
  const [summary, history, expiring] = await Promise.all([
    api.getPoints(),
    api.getPointEntries({ limit: PAGE_SIZE, offset: 0 }),
    api.getExpiringPoints(30),
  ]);
  return { summary, history, expiring };
}

export default function PointsPage() {
  const loader = useLoader(loadPointsPage, { refreshOnShow: true });
  return (
    <LoadGate state={loader.state} testId="points" loadingText="正在加载积分…" onRetry={() => void loader.reload()}>
      {(data) => <PointsView data={data} refresh={loader.refresh} update={loader.update} />}
    </LoadGate>
  );
}

type CheckinState = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; points: number | null } | { kind: 'error'; message: string };

function PointsView({
  data,
  refresh,
  update,
}: {
  data: PointsPageData;
  refresh: () => Promise<void>;
  update: (change: (data: PointsPageData) => PointsPageData) => void;
}) {
  const { summary, history, expiring } = data;
  const [checkin, setCheckin] = useState<CheckinState>({ kind: 'idle' });
  const [moreState, setMoreState] = useState<{ loading: boolean; error: string | null }>({ loading: false, error: null });
  const checkinKey = useRef(createActionKey());
  const busy = useRef(false);

  const alreadyToday = checkin.kind === 'done' || checkedInToday(history.items, new Date());

  async function doCheckin() {
    if (busy.current || alreadyToday) return;
    busy.current = true;
    setCheckin({ kind: 'busy' });
    try {
      const result = await runKeyed(checkinKey.current, 'checkin', (key) => api.checkin(key));
      setCheckin({ kind: 'done', points: result.points });
      void Taro.showToast({ title: `签到成功 +${result.points} 积分`, icon: 'none' });
      await refresh();
    } catch (error) {
      if (hasCode(error, 'ALREADY_CHECKED_IN')) setCheckin({ kind: 'done', points: null });
      else setCheckin({ kind: 'error', message: messageOf(error) });
    } finally {
      busy.current = false;
    }
  }

  async function loadMore() {
    if (moreState.loading) return;
    setMoreState({ loading: true, error: null });
    try {
      const next = await api.getPointEntries({ limit: PAGE_SIZE, offset: history.items.length });
      update((current) => ({
        ...current,
        history: { items: [...current.history.items, ...next.items.filter((e) => !current.history.items.some((c) => c.id === e.id))], total: next.total },
      }));
      setMoreState({ loading: false, error: null });
    } catch (error) {
      setMoreState({ loading: false, error: messageOf(error) });
    }
  }

  async function remindMe() {
    const result = await requestSubscription(['pointsExpiry']);
    void Taro.showToast({ title: subscriptionMessage(result), icon: 'none' });
  }

  return (
    <View className="page points-page">
      <View className="member-card points-hero">
        <Text className="points-hero__label">积分余额</Text>
        <Text className="points-hero__balance" data-testid="points-balance">
          {summary.balance}
        </Text>
        <View className="points-hero__split">
          <View className="points-hero__split-item">
            <Text className="muted">可用</Text>
            <Text data-testid="points-available">{summary.available}</Text>
          </View>
          <View className="points-hero__split-item">
            <Text className="muted">冻结中</Text>
            <Text data-testid="points-locked">{summary.locked}</Text>
          </View>
          <View className="points-hero__split-item">
            <Text className="muted">30天内过期</Text>
            <Text data-testid="points-expiring-soon">{summary.expiringSoon.points}</Text>
          </View>
        </View>
        <Text className="points-hero__expiring" data-testid="points-expiring-note">
          {summary.expiringSoon.points > 0 && summary.expiringSoon.firstExpiresAt
            ? `${summary.expiringSoon.points} 积分将于 ${formatDate(summary.expiringSoon.firstExpiresAt)} 起陆续过期，请尽快使用`
            : '近 30 天没有即将过期的积分'}
        </Text>
        {summary.locked > 0 ? <Text className="points-hero__expiring">冻结积分来自近期消费，到期后自动变为可用</Text> : null}
      </View>

      <View className="card checkin">
        <View className="checkin__text">
          <Text className="row__label-strong">每日签到</Text>
          <Text className="muted" data-testid="points-checkin-status">
            {checkin.kind === 'done' && checkin.points ? `今日签到获得 ${checkin.points} 积分` : alreadyToday ? '今日已签到，明天再来' : '每天签到领积分'}
          </Text>
          {checkin.kind === 'error' ? (
            <Text className="form-error" data-testid="points-checkin-error">
              {checkin.message}
            </Text>
          ) : null}
        </View>
        <Button
          className="btn btn--primary btn--small"
          disabled={alreadyToday}
          loading={checkin.kind === 'busy'}
          onClick={() => void doCheckin()}
          data-testid="points-checkin"
        >
          <Text>{alreadyToday ? '今日已签到' : checkin.kind === 'busy' ? '签到中…' : '签到'}</Text>
        </Button>
      </View>

      <View className="card">
        <View className="row row--link">
          <Text className="section-title">即将过期</Text>
          <Text className="row__chevron" onClick={() => void remindMe()} data-testid="points-subscribe">
            到期提醒 ›
          </Text>
        </View>
        {expiring.items.length === 0 ? (
          <Text className="muted" data-testid="points-expiring-empty">
            近 {expiring.days} 天没有积分过期
          </Text>
        ) : (
          <View data-testid="points-expiring-list">
            {expiring.items.map((lot) => (
              <View className="list-item" key={lot.expiresAt} data-testid="points-expiring-item">
                <Text>{lot.date} 到期</Text>
                <Text className="amount--minus">{lot.points} 积分</Text>
              </View>
            ))}
          </View>
        )}
      </View>

      <View className="card">
        <Text className="section-title">积分明细</Text>
        {history.items.length === 0 ? (
          <StatusView kind="empty" text="还没有积分记录，消费或签到即可获得积分" testId="points-history-empty" />
        ) : (
          <View data-testid="points-history">
            {history.items.map((entry) => {
              const detail = entryDetail(entry);
              return (
                <View className="list-item" key={entry.id} data-testid="points-entry">
                  <View className="list-item__main">
                    <Text className="list-item__title" data-testid="points-entry-title">
                      {entryTitle(entry)}
                    </Text>
                    {detail ? <Text className="muted">{detail}</Text> : null}
                    <Text className="muted">{formatDateTime(entry.createdAt)}</Text>
                  </View>
                  <Text className={entry.amount >= 0 ? 'amount--plus' : 'amount--minus'} data-testid="points-entry-amount">
                    {signedPoints(entry.amount)}
                  </Text>
                </View>
              );
            })}
          </View>
        )}
        {history.items.length < history.total ? (
          <Text className="load-more" onClick={() => void loadMore()} data-testid="points-load-more">
            {moreState.loading ? '加载中…' : moreState.error ? `${moreState.error}，点击重试` : '加载更多'}
          </Text>
        ) : null}
      </View>
    </View>
  );
}
