import { View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import type { ReactNode } from 'react';
import type { LoadState } from '../lib/use-loader';
import { ROUTES } from '../routes';
import { StatusView } from './status-view';

interface LoadGateProps<T> {
  state: LoadState<T>;
  /**
   * Test id prefix: `{p}-loading`, `{p}-error` with its `{p}-retry` button, `{p}-not-member`
   * with its `{p}-join` button.
   */
  testId: string;
  loadingText?: string;
  /** Inside a page that already has its padding (a section of it), rather than the whole page. */
  inline?: boolean;
  onRetry: () => void;
  children: (data: T) => ReactNode;
}

/** Shows a page's loading, error and not-a-member states, and the page itself once loaded. */
export function LoadGate<T>({ state, testId, loadingText = '正在加载…', inline = false, onRetry, children }: LoadGateProps<T>) {
  if (state.kind === 'ready') return <>{children(state.data)}</>;
  return (
    <View className={inline ? undefined : 'page'}>
      {state.kind === 'loading' ? <StatusView kind="loading" text={loadingText} testId={`${testId}-loading`} /> : null}
      {state.kind === 'error' ? (
        <StatusView kind="error" text={state.message} testId={`${testId}-error`} action={{ label: '重试', onClick: onRetry, testId: `${testId}-retry` }} />
      ) : null}
      {state.kind === 'not-member' ? (
        <StatusView
          kind="empty"
          text="您还不是会员，加入即可享受积分与专属优惠"
          testId={`${testId}-not-member`}
          action={{ label: '立即加入', onClick: () => void Taro.navigateTo({ url: ROUTES.join }), testId: `${testId}-join` }}
        />
      ) : null}
    </View>
  );
}
