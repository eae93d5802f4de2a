-- The job queue on PostgreSQL. Times are Unix milliseconds (the clock of the processes).
CREATE TABLE jobs (
    id               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL CHECK (max_attempts >= 1),
    result           TEXT,
    last_error       TEXT,
    lease_owner      TEXT,
    lease_expires_at BIGINT,
    -- The fencing token of the open execution: from a sequence, so every claim's is new.
    lease_token      BIGINT,
    run_at           BIGINT  NOT NULL,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);

-- Partial indexes: a claim walks only the pending jobs in due order, the rescuer only the
-- running ones in expiry order; finished jobs (the bulk of the table) are in neither.
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE status = 'pending';
CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE status = 'running';
CREATE INDEX jobs_status ON jobs (status);

CREATE SEQUENCE jobs_lease_token;

-- Every execution start of a job, and how it ended (NULL: still running).
CREATE TABLE executions (
    id         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id     BIGINT  NOT NULL REFERENCES jobs (id),
    attempt    INTEGER NOT NULL,
    owner      TEXT    NOT NULL,
    token      BIGINT  NOT NULL,
    started_at BIGINT  NOT NULL,
    ended_at   BIGINT,
    outcome    TEXT CHECK (outcome IN ('succeeded', 'failed', 'released', 'lost_lease')),
    error      TEXT
);

CREATE INDEX executions_job ON executions (job_id);

-- Idle workers LISTEN on `jobs_ready`: one notification per inserting statement (delivered at
-- commit), so a worker wakes the moment a job exists instead of at its next poll.
CREATE FUNCTION jobs_notify_ready() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jobs_ready', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_inserted AFTER INSERT ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_notify_ready();
