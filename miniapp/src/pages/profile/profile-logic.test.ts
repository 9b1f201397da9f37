import { checkBirthday, checkPhone, phoneButtonCode } from './profile-logic';

const now = new Date('2026-11-24T02:00:00.000Z');

describe('checkBirthday', () => {
  it('accepts a real past day', () => {
    expect(checkBirthday(' 1995-06-18 ', now)).toEqual({ ok: true, value: '1995-06-18' });
    expect(checkBirthday('2026-11-24', now)).toEqual({ ok: true, value: '2026-11-24' });
  });

  it('refuses other input', () => {
    expect(checkBirthday('1995-02-30', now).ok).toBe(false);
    expect(checkBirthday('95-6-18', now).ok).toBe(false);
    expect(checkBirthday('2026-11-25', now)).toEqual({ ok: false, error: '生日不能晚于今天' });
    expect(checkBirthday('1899-12-31', now)).toEqual({ ok: false, error: '请填写正确的生日' });
  });
});

describe('phones', () => {
  it('checks a typed phone', () => {
    expect(checkPhone('138 1234 1234')).toEqual({ ok: true, value: '13812341234' });
    expect(checkPhone('1234').ok).toBe(false);
  });

  it('reads the phone button', () => {
    expect(phoneButtonCode({ code: 'abc', errMsg: 'getPhoneNumber:ok' })).toEqual({ ok: true, value: 'abc' });
    expect(phoneButtonCode({ errMsg: 'getPhoneNumber:fail user deny' })).toEqual({ ok: false, error: '您已取消授权手机号' });
    expect(phoneButtonCode({ errMsg: 'getPhoneNumber:fail no permission' })).toEqual({ ok: false, error: '暂时无法获取手机号，请稍后再试' });
  });
});
