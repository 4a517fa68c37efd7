-- Liveness hysteresis: the last check's observation, so a state changes only after two identical ones in
-- a row (core/fleet/liveness.ts), and what the last check found, for the operator.
alter table hosts
  add column liveness_observed text
    check (liveness_observed in ('online', 'degraded', 'critical', 'down')),
  add column liveness_detail text check (length(liveness_detail) <= 1000);
