-- member_purchase_summaries (orders.tables.ts) is kept by the database itself, so every writer of
-- orders (the orders service, bulk COPY by the data generator, fixtures) keeps it exact. Statement
-- triggers with transition tables: one recomputation per statement for the members it touched, so
-- a COPY of a million orders costs one set-based pass, not a million row triggers.
--
-- Concurrency: two transactions recording orders for the same member must not leave the summary
-- of the one that committed first. The function first locks the members' summary rows (creating
-- them if needed), waiting for any other writer of them to finish, and only then recomputes from
-- the orders with a new statement, whose snapshot (READ COMMITTED) sees what that writer committed.
CREATE FUNCTION "refresh_member_purchase_summaries"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  brand_ids text[];
  member_ids text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(k.brand_id ORDER BY k.brand_id, k.member_id), array_agg(k.member_id ORDER BY k.brand_id, k.member_id)
      INTO brand_ids, member_ids
      FROM (SELECT DISTINCT n.brand_id, n.member_id FROM changed_new n) k;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(k.brand_id ORDER BY k.brand_id, k.member_id), array_agg(k.member_id ORDER BY k.brand_id, k.member_id)
      INTO brand_ids, member_ids
      FROM (SELECT n.brand_id, n.member_id FROM changed_new n UNION SELECT o.brand_id, o.member_id FROM changed_old o) k;
  ELSE
    SELECT array_agg(k.brand_id ORDER BY k.brand_id, k.member_id), array_agg(k.member_id ORDER BY k.brand_id, k.member_id)
      INTO brand_ids, member_ids
      FROM (SELECT DISTINCT o.brand_id, o.member_id FROM changed_old o) k;
  END IF;
  IF member_ids IS NULL THEN
    RETURN NULL;
  END IF;

  INSERT INTO member_purchase_summaries (brand_id, member_id)
    SELECT k.brand_id, k.member_id FROM unnest(brand_ids, member_ids) AS k(brand_id, member_id)
    ON CONFLICT DO NOTHING;
  PERFORM 1 FROM member_purchase_summaries s
    JOIN unnest(brand_ids, member_ids) AS k(brand_id, member_id) ON s.brand_id = k.brand_id AND s.member_id = k.member_id
    ORDER BY s.brand_id, s.member_id
    FOR UPDATE OF s;

  UPDATE member_purchase_summaries s
    SET order_count = a.order_count, net_paid_fen = a.net_paid_fen, first_purchase_at = a.first_purchase_at, last_purchase_at = a.last_purchase_at
    FROM (
      SELECT k.brand_id, k.member_id, count(o.id)::int AS order_count, coalesce(sum(o.paid_fen - o.refunded_fen), 0)::bigint AS net_paid_fen,
             min(o.occurred_at) AS first_purchase_at, max(o.occurred_at) AS last_purchase_at
        FROM unnest(brand_ids, member_ids) AS k(brand_id, member_id)
        LEFT JOIN orders o ON o.brand_id = k.brand_id AND o.member_id = k.member_id AND o.status <> 'refunded'
        GROUP BY k.brand_id, k.member_id
    ) a
    WHERE s.brand_id = a.brand_id AND s.member_id = a.member_id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "orders_purchase_summaries_insert" AFTER INSERT ON "orders"
  REFERENCING NEW TABLE AS changed_new
  FOR EACH STATEMENT EXECUTE FUNCTION "refresh_member_purchase_summaries"();
--> statement-breakpoint
CREATE TRIGGER "orders_purchase_summaries_update" AFTER UPDATE ON "orders"
  REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
  FOR EACH STATEMENT EXECUTE FUNCTION "refresh_member_purchase_summaries"();
--> statement-breakpoint
CREATE TRIGGER "orders_purchase_summaries_delete" AFTER DELETE ON "orders"
  REFERENCING OLD TABLE AS changed_old
  FOR EACH STATEMENT EXECUTE FUNCTION "refresh_member_purchase_summaries"();
--> statement-breakpoint
-- the orders written before this migration
INSERT INTO "member_purchase_summaries" (brand_id, member_id, order_count, net_paid_fen, first_purchase_at, last_purchase_at)
  SELECT brand_id, member_id,
         count(*) FILTER (WHERE status <> 'refunded')::int,
         coalesce(sum(paid_fen - refunded_fen) FILTER (WHERE status <> 'refunded'), 0)::bigint,
         min(occurred_at) FILTER (WHERE status <> 'refunded'),
         max(occurred_at) FILTER (WHERE status <> 'refunded')
    FROM "orders"
    GROUP BY brand_id, member_id
  ON CONFLICT DO NOTHING;
