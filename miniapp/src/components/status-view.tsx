import { Button, Text, View } from '@tarojs/components';

interface StatusViewProps {
  kind: 'loading' | 'error' | 'empty';
  text: string;
  /** The button under the text, e.g. 重试. */
  action?: { label: string; onClick: () => void };
}

/** The whole-page loading, error and empty states, so every page shows them the same way. */
export function StatusView({ kind, text, action }: StatusViewProps) {
  return (
    <View className={`state state--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <Text className={kind === 'error' ? 'state__text state__text--error' : 'state__text'}>{text}</Text>
      {action ? (
        <Button className="btn btn--plain" onClick={action.onClick}>
          {action.label}
        </Button>
      ) : null}
    </View>
  );
}
