import { render, screen } from '@testing-library/react';
import * as taro from '../../../test/stubs/taro';
import LaunchPage from './index';

describe('launch page', () => {
  it('opens the member card tab', () => {
    render(<LaunchPage />);
    expect(screen.getByTestId('home-loading')).toBeTruthy();
    expect(taro.switchTab).toHaveBeenCalledWith({ url: '/pages/card/index' });
  });
});
