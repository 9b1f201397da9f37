import { Client } from 'pg';

/** Counts violations of the value invariants in DESIGN.md straight from the database. */
export async function countInvariantViolations(databaseUrl: string) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const one = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
    const balanceNotLedger = await one(`
      select count(*) as n from point_accounts a
      left join (select brand_id, member_id, sum(amount) as total from point_entries group by brand_id, member_id) e
        on e.brand_id = a.brand_id and e.member_id = a.member_id
      where a.balance <> coalesce(e.total, 0)`);
    const balanceNotLots = await one(`
      select count(*) as n from point_accounts a
      left join (select brand_id, member_id, sum(remaining) as total from point_lots group by brand_id, member_id) l
        on l.brand_id = a.brand_id and l.member_id = a.member_id
      where a.balance <> coalesce(l.total, 0)`);
    const negativeBalances = await one(`select count(*) as n from point_accounts where balance < 0 or debt < 0`);
    const overIssued = await one(`
      select count(*) as n from coupon_templates t
      where (t.total_quantity is not null and t.issued_count > t.total_quantity)
         or t.issued_count <> (select count(*) from coupons c where c.template_id = t.id)`);
    const overMemberLimit = await one(`
      select count(*) as n from (
        select c.template_id, c.member_id from coupons c join coupon_templates t on t.id = c.template_id
        group by c.template_id, c.member_id, t.per_member_limit having count(*) > t.per_member_limit) x`);
    const negativeStock = await one(`select count(*) as n from mall_items where stock < 0`);
    return { balanceNotLedger, balanceNotLots, negativeBalances, overIssued, overMemberLimit, negativeStock };
  } finally {
    await client.end();
  }
}
