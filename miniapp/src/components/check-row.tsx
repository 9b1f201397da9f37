import { Text, View } from '@tarojs/components';
import './check-row.scss';
import type { ReactNode } from 'react';

interface CheckRowProps {
  testId?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ReactNode;
}

/**
 * A tappable tick box with its label. Built from views because a weapp <checkbox> only reports
 * changes through a <checkbox-group>, which makes a single controlled box awkward.
 */
export function CheckRow({ testId, checked, onChange, children }: CheckRowProps) {
  return (
    <View className="check-row" role="checkbox" aria-checked={checked} data-testid={testId} onClick={() => onChange(!checked)}>
      <View className={checked ? 'check-row__box check-row__box--on' : 'check-row__box'} data-testid={testId ? `${testId}-box` : undefined}>
        {checked ? <Text className="check-row__tick">✓</Text> : null}
      </View>
      <View className="check-row__label">{children}</View>
    </View>
  );
}
