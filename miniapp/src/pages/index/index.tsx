import { View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect } from 'react';
import { StatusView } from '../../components/status-view';
import { ROUTES } from '../../routes';

/**
 * The launch page of links made before the tab bar (member centre links, subscribe messages):
 * it opens the member card tab, where every member page starts.
 */
export default function LaunchPage() {
  useEffect(() => {
    void Taro.switchTab({ url: ROUTES.card });
  }, []);
  return (
    <View className="page">
      <StatusView kind="loading" text="正在打开会员卡…" testId="home-loading" />
    </View>
  );
}
