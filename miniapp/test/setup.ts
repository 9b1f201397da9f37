import { resetTaroStub } from './stubs/taro';

beforeEach(() => {
  resetTaroStub();
});
