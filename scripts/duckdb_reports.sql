-- The five CDR reports an analyst would write by hand, in DuckDB, for `scripts/bench.sh`
-- (issue 14): simpler than pbx-report's (no calls stitched from legs, no callbacks, no agent
-- wrap-up, no DST-aware periods), so they bound from below what a general SQL engine costs.
-- Run by scripts/duckdb_reports.py, which puts the dataset's cdr.csv in place of @CDR@. The
-- table is loaded once (one parse of the CSV, as pbx-report reads it once), then queried.
SET threads = 2;
CREATE TEMP TABLE cdr AS
  SELECT * FROM read_csv('@CDR@', auto_detect = true, header = true);

-- QUEUESUMMARY: per queue, entries offered, answered, within 20 s, abandoned, ASA.
COPY (
  SELECT service_number, any_value(service_name) AS name, count(*) AS offered,
         count(*) FILTER (WHERE answered_at IS NOT NULL AND callee_endpoint <> 'QUEUE') AS accepted,
         count(*) FILTER (WHERE answered_at - started_at <= 20) AS within_sla,
         count(*) FILTER (WHERE end_reason = 'CALLER_DISCONNECTED') AS abandoned,
         round(avg(answered_at - started_at), 0) AS asa_secs
  FROM cdr WHERE service_type = 'QUEUE' GROUP BY service_number ORDER BY service_number
) TO '/dev/null' (FORMAT csv);

-- SPEEDOFACCEPT: per queue, answered entries by wait bucket.
COPY (
  SELECT service_number,
         count(*) FILTER (WHERE w <= 10) AS b10, count(*) FILTER (WHERE w > 10 AND w <= 20) AS b20,
         count(*) FILTER (WHERE w > 20 AND w <= 30) AS b30, count(*) FILTER (WHERE w > 30 AND w <= 60) AS b60,
         count(*) FILTER (WHERE w > 60) AS over
  FROM (SELECT service_number, answered_at - started_at AS w FROM cdr
        WHERE service_type = 'QUEUE' AND answered_at IS NOT NULL)
  GROUP BY service_number ORDER BY service_number
) TO '/dev/null' (FORMAT csv);

-- DAILYSTATISTICS: per local day, calls (first leg of each session) by direction and talk.
COPY (
  SELECT day, count(*) AS calls,
         count(*) FILTER (WHERE caller_endpoint = 'TRUNK') AS inbound,
         count(*) FILTER (WHERE callee_endpoint = 'TRUNK') AS outbound,
         sum(talk) AS talk_secs
  FROM (SELECT session_id,
               CAST(timezone('Europe/London', to_timestamp(min(started_at))) AS DATE) AS day,
               arg_min(caller_endpoint, started_at) AS caller_endpoint,
               arg_min(callee_endpoint, started_at) AS callee_endpoint,
               sum(CASE WHEN answered_at IS NOT NULL THEN ended_at - answered_at ELSE 0 END) AS talk
        FROM cdr GROUP BY session_id)
  GROUP BY day ORDER BY day
) TO '/dev/null' (FORMAT csv);

-- USERSTATISTICS: per extension, legs made and received, answered, talk.
COPY (
  SELECT ext, count(*) FILTER (WHERE role = 'out') AS outbound, count(*) FILTER (WHERE role = 'in') AS inbound,
         count(*) FILTER (WHERE answered) AS answered, sum(talk) AS talk_secs
  FROM (SELECT caller AS ext, 'out' AS role, answered_at IS NOT NULL AS answered,
               coalesce(ended_at - answered_at, 0) AS talk FROM cdr WHERE caller_endpoint = 'EXTENSION'
        UNION ALL
        SELECT callee, 'in', answered_at IS NOT NULL, coalesce(ended_at - answered_at, 0)
        FROM cdr WHERE callee_endpoint = 'EXTENSION')
  GROUP BY ext ORDER BY ext
) TO '/dev/null' (FORMAT csv);

-- AGENTQUEUEREPORT: per queue and agent, offers, answers and talk of the agent legs of
-- queue calls.
COPY (
  SELECT service_number, callee AS agent, count(*) AS offered,
         count(*) FILTER (WHERE answered_at IS NOT NULL) AS answered,
         sum(coalesce(ended_at - answered_at, 0)) AS talk_secs
  FROM cdr WHERE call_type = 'queue_call' AND callee_endpoint = 'EXTENSION'
  GROUP BY service_number, callee ORDER BY service_number, agent
) TO '/dev/null' (FORMAT csv);
