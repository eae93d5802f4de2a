-- Every execution start of a job, and how it ended: at-least-once execution made visible.
--
-- A claim sets `jobs.lease_token` to a fresh random fencing token and writes an open row here
-- (outcome NULL) in the same transaction. Finishing an attempt is accepted only when the job is
-- still `running` with that token; otherwise the execution is marked `lost_lease`. A claim that
-- takes over an expired lease marks the previous holder's open execution `lost_lease`.
CREATE TABLE executions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id     INTEGER NOT NULL REFERENCES jobs (id),
    attempt    INTEGER NOT NULL,
    owner      TEXT    NOT NULL,
    token      INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER,
    outcome    TEXT CHECK (outcome IN ('succeeded', 'failed', 'released', 'lost_lease')),
    error      TEXT
);

CREATE INDEX executions_job ON executions (job_id);
-- The executions still running: the few rows a takeover looks at.
CREATE INDEX executions_open ON executions (job_id) WHERE outcome IS NULL;

ALTER TABLE jobs ADD COLUMN lease_token INTEGER;

-- The finished attempts recorded before this migration (their start time was not kept).
INSERT INTO executions (job_id, attempt, owner, token, started_at, ended_at, outcome, error)
SELECT job_id, attempt, owner, 0, finished_at, finished_at, outcome, error
FROM job_attempts ORDER BY id;

DROP TABLE job_attempts;
