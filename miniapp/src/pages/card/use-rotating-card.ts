import type { MemberCard } from '@memberloop/shared';
import { useDidHide, useDidShow } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import { refreshDelayMs } from './card-code';

export interface RotatingCard {
  card: MemberCard;
  /** 'failed': the last refresh got no code; the one shown may no longer scan. */
  status: 'fresh' | 'refreshing' | 'failed';
  refreshNow(): void;
}

/**
 * Keeps the card code current: fetches the next one at the card's `refreshAt`, pauses while
 * the page is hidden, and starts over from `initial` whenever the page loads a new one.
 */
export function useRotatingCard(initial: MemberCard, fetchCard: () => Promise<MemberCard>): RotatingCard {
  const [card, setCard] = useState(initial);
  const [status, setStatus] = useState<RotatingCard['status']>('fresh');
  const [visible, setVisible] = useState(true);
  const mounted = useRef(true);
  const inFlight = useRef(false);
  const fetchRef = useRef(fetchCard);
  fetchRef.current = fetchCard;

  useEffect(() => {
    setCard(initial);
    setStatus('fresh');
  }, [initial]);

  const refreshNow = useCallback(() => {
    if (inFlight.current) return;
    inFlight.current = true;
    setStatus('refreshing');
    fetchRef
      .current()
      .then((next) => {
        if (!mounted.current) return;
        setCard(next);
        setStatus('fresh');
      })
      .catch(() => {
        if (mounted.current) setStatus('failed');
      })
      .finally(() => {
        inFlight.current = false;
      });
  }, []);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    if (!visible || status !== 'fresh') return undefined;
    const timer = setTimeout(refreshNow, refreshDelayMs(card, Date.now()));
    return () => clearTimeout(timer);
  }, [card, visible, status, refreshNow]);

  useDidHide(() => setVisible(false));
  useDidShow(() => setVisible(true));

  return { card, status, refreshNow };
}
