-- Rebuilds a brand's purchase summaries from its orders in one set-based pass: for loads that skip
-- triggers (the data generator sets session_replication_role = replica to load without foreign-key
-- checks, which also silences the summary triggers) and for repair. Returns the members written.
CREATE FUNCTION "rebuild_member_purchase_summaries"(p_brand_id text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  written bigint;
BEGIN
  INSERT INTO member_purchase_summaries (brand_id, member_id, order_count, net_paid_fen, first_purchase_at, last_purchase_at)
    SELECT p_brand_id, member_id,
           count(*) FILTER (WHERE status <> 'refunded')::int,
           coalesce(sum(paid_fen - refunded_fen) FILTER (WHERE status <> 'refunded'), 0)::bigint,
           min(occurred_at) FILTER (WHERE status <> 'refunded'),
           max(occurred_at) FILTER (WHERE status <> 'refunded')
      FROM orders
      WHERE brand_id = p_brand_id
      GROUP BY member_id
    ON CONFLICT (brand_id, member_id) DO UPDATE
      SET order_count = excluded.order_count, net_paid_fen = excluded.net_paid_fen,
          first_purchase_at = excluded.first_purchase_at, last_purchase_at = excluded.last_purchase_at;
  GET DIAGNOSTICS written = ROW_COUNT;
  -- members whose orders are all gone
  UPDATE member_purchase_summaries s
    SET order_count = 0, net_paid_fen = 0, first_purchase_at = NULL, last_purchase_at = NULL
    WHERE s.brand_id = p_brand_id AND s.order_count <> 0
      AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.brand_id = p_brand_id AND o.member_id = s.member_id);
  RETURN written;
END
$$;
