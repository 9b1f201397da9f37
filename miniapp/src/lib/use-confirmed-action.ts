import Taro from '@tarojs/taro';
import { useCallback, useRef, useState } from 'react';
import { messageOf, type Audience } from '../api';

export type ActionState<T> = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; result: T } | { kind: 'error'; message: string; error: unknown };

export interface Confirmation {
  title: string;
  content: string;
  confirmText?: string;
}

export interface ConfirmedAction<T> {
  state: ActionState<T>;
  /**
   * Asks with a modal, then runs `work` once confirmed. A second call while one is asking or
   * running is ignored, so a double tap never starts the action twice.
   */
  run(confirmation: Confirmation | null, work: () => Promise<T>): Promise<T | undefined>;
  reset(): void;
}

/** An action that moves value: confirmed first, guarded against double taps, with its result or error. */
export function useConfirmedAction<T>(audience: Audience = 'member', onError?: (error: unknown) => void): ConfirmedAction<T> {
  const [state, setState] = useState<ActionState<T>>({ kind: 'idle' });
  const running = useRef(false);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  const run = useCallback(
    async (confirmation: Confirmation | null, work: () => Promise<T>) => {
      if (running.current) return undefined;
      running.current = true;
      try {
        if (confirmation) {
          const { confirm } = await Taro.showModal({
            title: confirmation.title,
            content: confirmation.content,
            confirmText: confirmation.confirmText ?? '确认',
            cancelText: '取消',
          });
          if (!confirm) return undefined;
        }
        setState({ kind: 'busy' });
        const result = await work();
        setState({ kind: 'done', result });
        return result;
      } catch (error) {
        setState({ kind: 'error', message: messageOf(error, audience), error });
        onErrorRef.current?.(error);
        return undefined;
      } finally {
        running.current = false;
      }
    },
    [audience],
  );

  const reset = useCallback(() => setState({ kind: 'idle' }), []);
  return { state, run, reset };
}
