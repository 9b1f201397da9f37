import { dayNumberFromIsoDate, summarizePurchases, type Purchase } from './summary';

const day = (iso: string): number => dayNumberFromIsoDate(iso)!;
const purchase = (customerId: string, iso: string, amountFen: number): Purchase => ({ customerId, day: day(iso), amountFen });

describe('dayNumberFromIsoDate', () => {
  it('counts days since 1970-01-01 and rejects what is not a calendar date', () => {
    expect(day('1970-01-01')).toBe(0);
    expect(day('1997-09-30') - day('1997-01-01')).toBe(272);
    expect(day('2024-03-01') - day('2024-02-28')).toBe(2); // leap year
    for (const bad of ['2023-02-29', '1997-13-01', '1997-00-10', '1997-9-30', '19970930', '0097-01-01', '1997-09-30T00:00', ' 1997-09-30']) {
      expect(dayNumberFromIsoDate(bad)).toBeNull();
    }
  });
});

describe('summarizePurchases', () => {
  const end = day('1997-09-30');

  it('merges one day’s purchases, drops those after the end, and measures T to the end date', () => {
    const summaries = summarizePurchases(
      [
        purchase('a', '1997-01-01', 1000),
        purchase('a', '1997-01-15', 250),
        purchase('a', '1997-01-15', 50), // same day: one purchase of 3.00
        purchase('a', '1997-02-12', 600),
        purchase('a', '1997-10-01', 99_999), // after the calibration end
        purchase('b', '1997-03-01', 1234),
        purchase('c', '1997-10-05', 500), // first purchase after the end: not in the calibration cohort
        purchase('d', '1997-09-30', 700), // first purchase on the end date
        purchase('d', '1997-09-30', 100),
      ],
      end,
      'day',
    );
    expect(summaries).toEqual([
      { id: 'a', x: 2, tx: 42, T: 272, monetary: 4.5, repeatAmountFen: 900 },
      { id: 'b', x: 0, tx: 0, T: end - day('1997-03-01'), monetary: 0, repeatAmountFen: 0 },
      { id: 'd', x: 0, tx: 0, T: 0, monetary: 0, repeatAmountFen: 0 },
    ]);
  });

  it('gives tₓ = T for a purchase on the end date, and weeks as days / 7', () => {
    const [summary] = summarizePurchases([purchase('a', '1997-01-01', 100), purchase('a', '1997-09-30', 300)], end, 'week');
    expect(summary).toEqual({ id: 'a', x: 1, tx: 272 / 7, T: 272 / 7, monetary: 3, repeatAmountFen: 300 });
  });

  it('does not depend on the order of the rows, and adds amounts exactly', () => {
    const rows = [purchase('a', '1997-05-01', 10), purchase('a', '1997-02-01', 20), purchase('a', '1997-05-01', 20), purchase('a', '1997-03-01', 1)];
    const forward = summarizePurchases(rows, end, 'week');
    expect(summarizePurchases([...rows].reverse(), end, 'week')).toEqual(forward);
    // 0.10 + 0.20 is exactly 0.30 here; repeat days: 03-01 (0.01) and 05-01 (0.30)
    expect(forward[0]!.repeatAmountFen).toBe(31);
    expect(forward[0]!.monetary).toBe(0.155);
  });

  it('rejects amounts that are not whole non-negative hundredths', () => {
    expect(() => summarizePurchases([{ customerId: 'a', day: 0, amountFen: 1.5 }], 10, 'day')).toThrow(RangeError);
    expect(() => summarizePurchases([{ customerId: 'a', day: 0, amountFen: -1 }], 10, 'day')).toThrow(RangeError);
  });
});
