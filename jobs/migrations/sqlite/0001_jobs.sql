-- The job queue. Times are Unix milliseconds (shared by every process using the database).
CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL CHECK (max_attempts >= 1),
    result           TEXT,
    last_error       TEXT,
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    run_at           INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

CREATE INDEX jobs_due ON jobs (status, run_at);
CREATE INDEX jobs_lease ON jobs (status, lease_expires_at);

-- One row per finished attempt (succeeded, failed or released), written in the same transaction
-- as the job's update and only by the current lease holder.
CREATE TABLE job_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id      INTEGER NOT NULL REFERENCES jobs (id),
    attempt     INTEGER NOT NULL,
    owner       TEXT    NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'released')),
    error       TEXT,
    finished_at INTEGER NOT NULL
);

CREATE INDEX job_attempts_job ON job_attempts (job_id);
