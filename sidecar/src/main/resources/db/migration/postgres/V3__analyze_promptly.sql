-- A queue's rows churn fast: a burst of enqueues can outnumber what the planner last saw, and with
-- stale statistics it may sort every ready item instead of walking workqueue_items_claim_order.
-- Analyze after 500 changed rows plus 2% of the table instead of PostgreSQL's default 10%.
ALTER TABLE workqueue_items SET (autovacuum_analyze_threshold = 500, autovacuum_analyze_scale_factor = 0.02,
                                 autovacuum_vacuum_scale_factor = 0.05);
