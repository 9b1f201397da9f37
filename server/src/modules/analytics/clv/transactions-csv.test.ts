import { dayNumberFromIsoDate } from './summary';
import { parseAmountFen, parseTransactionsCsv } from './transactions-csv';

describe('parseAmountFen', () => {
  it('reads decimals exactly as hundredths', () => {
    expect(parseAmountFen('12.34')).toBe(1234);
    expect(parseAmountFen('12.3')).toBe(1230);
    expect(parseAmountFen('12')).toBe(1200);
    expect(parseAmountFen('0.07')).toBe(7);
    expect(parseAmountFen('12.500')).toBe(1250);
    expect(parseAmountFen('0')).toBe(0);
    expect(parseAmountFen('90071992547409.91')).toBe(9_007_199_254_740_991);
  });

  it('rejects what is not an exact non-negative amount', () => {
    for (const bad of ['', '-1', '+1', '1e3', '12.345', '1,000', '.5', '5.', 'abc', '90071992547409.92', 'NaN']) {
      expect(parseAmountFen(bad)).toBeNull();
    }
  });
});

describe('parseTransactionsCsv', () => {
  it('reads rows, with quotes, CRLF, a byte-order mark, blank lines and columns in any order', () => {
    const text = '\uFEFFdate,amount,customer_id,channel\r\n1997-01-01,29.33,"c,1",web\r\n\r\n1997-01-18,"1.5",c2,store\r\n';
    const result = parseTransactionsCsv(text);
    expect(result).toEqual({
      ok: true,
      purchases: [
        { customerId: 'c,1', day: dayNumberFromIsoDate('1997-01-01'), amountFen: 2933 },
        { customerId: 'c2', day: dayNumberFromIsoDate('1997-01-18'), amountFen: 150 },
      ],
    });
  });

  it.each([
    ['', /empty/],
    ['customer,date,amount\n', /no "customer_id" column/],
    ['customer_id,date,amount\n1,1997-02-30,1\n', /line 2: date "1997-02-30"/],
    ['customer_id,date,amount\n1,1997-02-03,1\n2,1997/02/03,1\n', /line 3: date/],
    ['customer_id,date,amount\n1,1997-02-03,-5\n', /line 2: amount "-5"/],
    ['customer_id,date,amount\n1,1997-02-03\n', /line 2: expected 3 fields, found 2/],
    ['customer_id,date,amount\n,1997-02-03,1\n', /line 2: empty customer_id/],
    ['customer_id,date,amount\n"1,1997-02-03,1\n', /line 2: unclosed quote/],
  ])('reports a bad file with its line: %j', (text, message) => {
    const result = parseTransactionsCsv(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});
