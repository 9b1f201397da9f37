import { Button, Text, View } from '@tarojs/components';

interface StatusViewProps {
  kind: 'loading' | 'error' | 'empty';
  text: string;
  /** The button under the text, e.g. 重试. */
  action?: { label: string; onClick: () => void; testId?: string };
  /** Tab pages stay mounted side by side in H5, so each page names its own states. */
  testId?: string;
}

/** The whole-page (or whole-section) loading, error and empty states, the same everywhere. */
export function StatusView({ kind, text, action, testId }: StatusViewProps) {
  return (
    <View className={`state state--${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={testId}>
      <Text className={kind === 'error' ? 'state__text state__text--error' : 'state__text'}>{text}</Text>
      {action ? (
        <Button className="btn btn--plain" onClick={action.onClick} data-testid={action.testId}>
          {action.label}
        </Button>
      ) : null}
    </View>
  );
}
