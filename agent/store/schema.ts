/**
 * Schema migrations of the store, applied in order inside one transaction
 * each. `meta.schema_version` records how far a database has come; an agent
 * refuses a database from a newer version rather than downgrade it.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: runs, phases, the events of a run, machine samples, ingest checkpoints.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

  CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    fingerprint TEXT,
    offset INTEGER NOT NULL DEFAULT 0,
    lines INTEGER NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );

  -- Every ingested line, verbatim, one row per journal record (thousands of
  -- lines): one insert per chunk instead of one per line keeps ingest fast.
  CREATE TABLE raw_chunks (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    first_line INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    -- The lines, Brotli-compressed (quality 1: fast, and JSON shrinks about 8x).
    body BLOB NOT NULL
  );
  CREATE INDEX raw_chunks_source ON raw_chunks (source_id, start);

  -- Events of types this version does not know, with all their fields.
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    type TEXT NOT NULL,
    source_id INTEGER,
    line INTEGER,
    body TEXT NOT NULL
  );
  CREATE INDEX events_run ON events (run_id);

  CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    status TEXT NOT NULL DEFAULT 'running',
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    duration_ms REAL,
    app TEXT,
    project_type TEXT,
    template TEXT,
    features TEXT NOT NULL DEFAULT '[]',
    user_id TEXT,
    session_id TEXT,
    regenerates TEXT,
    error_count INTEGER NOT NULL DEFAULT 0,
    current_phase TEXT,
    source_id INTEGER,
    line INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX runs_started ON runs (started_at);
  CREATE INDEX runs_ended ON runs (ended_at);

  CREATE TABLE phases (
    run_id TEXT NOT NULL,
    phase TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'running',
    started_at INTEGER,
    ended_at INTEGER,
    duration_ms REAL,
    PRIMARY KEY (run_id, phase, attempt)
  ) WITHOUT ROWID;
  CREATE INDEX phases_ended ON phases (ended_at);

  CREATE TABLE inferences (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    model TEXT NOT NULL,
    phase TEXT,
    latency_ms REAL NOT NULL,
    queue_ms REAL,
    batch_size INTEGER,
    input_tokens INTEGER,
    output_tokens INTEGER,
    queue_length INTEGER
  );
  CREATE INDEX inferences_ts ON inferences (ts);

  CREATE TABLE api_requests (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    route TEXT NOT NULL,
    method TEXT,
    status_code INTEGER,
    duration_ms REAL NOT NULL,
    in_flight INTEGER
  );
  CREATE INDEX api_requests_ts ON api_requests (ts);

  CREATE TABLE db_queries (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    operation TEXT NOT NULL,
    duration_ms REAL NOT NULL,
    pool_in_use INTEGER,
    pool_size INTEGER,
    deadlock INTEGER NOT NULL DEFAULT 0,
    replication_lag_ms REAL
  );
  CREATE INDEX db_queries_ts ON db_queries (ts);

  CREATE TABLE errors (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    stack TEXT,
    context TEXT,
    phase TEXT
  );
  CREATE INDEX errors_ts ON errors (ts);
  CREATE INDEX errors_run ON errors (run_id);

  CREATE TABLE quality (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    lint REAL, coverage REAL, security REAL, performance REAL,
    requirements REAL, blueprint_accuracy REAL, correctness REAL, documentation REAL
  );
  CREATE INDEX quality_run ON quality (run_id);

  CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    score REAL NOT NULL,
    comment TEXT
  );
  CREATE INDEX feedback_run ON feedback (run_id);

  CREATE TABLE modifications (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    files_changed INTEGER,
    lines_changed INTEGER,
    description TEXT
  );
  CREATE INDEX modifications_run ON modifications (run_id);

  CREATE TABLE samples (
    ts INTEGER PRIMARY KEY,
    cpu REAL NOT NULL,
    cores TEXT NOT NULL,
    mem_used REAL NOT NULL, mem_available REAL NOT NULL, mem_total REAL NOT NULL,
    swap_used REAL NOT NULL, swap_total REAL NOT NULL,
    load1 REAL NOT NULL, load5 REAL NOT NULL, load15 REAL NOT NULL,
    processes INTEGER NOT NULL, threads INTEGER NOT NULL,
    disk_read_bytes REAL NOT NULL, disk_write_bytes REAL NOT NULL,
    disk_read_ops REAL NOT NULL, disk_write_ops REAL NOT NULL,
    net_rx_bytes REAL NOT NULL, net_tx_bytes REAL NOT NULL,
    net_rx_errors REAL NOT NULL, net_tx_errors REAL NOT NULL
  );

  CREATE TABLE mounts (
    ts INTEGER NOT NULL,
    mount TEXT NOT NULL,
    fs TEXT NOT NULL,
    size REAL NOT NULL,
    used REAL NOT NULL,
    PRIMARY KEY (ts, mount)
  ) WITHOUT ROWID;

  CREATE TABLE bad_line_counts (reason TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE bad_lines (
    id INTEGER PRIMARY KEY,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    path TEXT NOT NULL,
    offset INTEGER NOT NULL,
    excerpt TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  `,
  // 2: error groups (fingerprinted errors with a state the user changes).
  `
  ALTER TABLE errors ADD COLUMN fingerprint TEXT;
  CREATE INDEX errors_fingerprint ON errors (fingerprint, ts);
  CREATE TABLE error_groups (
    fingerprint TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    normalized TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    count INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    status_changed_at INTEGER,
    resolved_at INTEGER,
    reopen_count INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE INDEX error_groups_last_seen ON error_groups (last_seen);
  `,
  // 3: alerting: silences, incidents and their timelines, automated actions,
  // notification deliveries (the outbox), and the cost of each inference.
  `
  ALTER TABLE inferences ADD COLUMN cost_usd REAL;
  CREATE TABLE silences (
    id TEXT PRIMARY KEY,
    matchers TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    comment TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    labels TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    acknowledged_at INTEGER,
    acknowledged_by TEXT,
    resolved_at INTEGER,
    resolved_by TEXT,
    alerts TEXT NOT NULL
  );
  CREATE INDEX incidents_status ON incidents (status, opened_at);
  CREATE TABLE incident_events (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX incident_events_incident ON incident_events (incident_id, ts);
  CREATE TABLE actions (
    id TEXT PRIMARY KEY,
    incident_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX actions_incident ON actions (incident_id);
  CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    next_attempt_at INTEGER,
    body TEXT NOT NULL,
    payload TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX deliveries_status ON deliveries (status, next_attempt_at);
  `,
  // 4: metric rollups (1 minute, 1 hour, 1 day) of series with fixed labels,
  // per-run facts for run-level filters and cost, sessions, user activity.
  // See docs/storage.md.
  `
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    metric TEXT NOT NULL,
    -- The labels as a JSON object with sorted keys; never user or session.
    labels TEXT NOT NULL,
    UNIQUE (metric, labels)
  );
  ${['1m', '1h', '1d'].map((tier) => `
  CREATE TABLE rollup_${tier} (
    series INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    count REAL NOT NULL,
    sum REAL NOT NULL,
    min REAL,
    max REAL,
    last REAL,
    last_ts INTEGER,
    -- Histograms only: the DDSketch bins (agent/metrics/sketch.ts).
    sketch BLOB,
    PRIMARY KEY (series, bucket)
  ) WITHOUT ROWID;
  CREATE INDEX rollup_${tier}_bucket ON rollup_${tier} (bucket);`).join('\n')}

  ALTER TABLE runs ADD COLUMN model TEXT;
  ALTER TABLE runs ADD COLUMN facts TEXT;
  ALTER TABLE runs ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0;
  ALTER TABLE runs ADD COLUMN input_tokens INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE runs ADD COLUMN output_tokens INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE runs ADD COLUMN last_ts INTEGER;
  CREATE INDEX runs_running ON runs (started_at) WHERE status = 'running';
  CREATE INDEX runs_user ON runs (user_id, started_at);

  CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY,
    user_id TEXT,
    started_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    runs INTEGER NOT NULL DEFAULT 0,
    interactions INTEGER NOT NULL DEFAULT 0,
    successes INTEGER NOT NULL DEFAULT 0,
    closed_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX sessions_open ON sessions (last_at) WHERE closed_at IS NULL;

  CREATE TABLE user_activity (hour INTEGER NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (hour, user_id)) WITHOUT ROWID;

  -- Raw rows age out by time range, through an index rather than a scan.
  CREATE INDEX raw_chunks_received ON raw_chunks (received_at);
  CREATE INDEX events_ts ON events (ts);
  `,
  // 5: a run's cost parts as columns, so cost breakdowns over months of runs
  // are sums in SQLite rather than a JSON parse per run.
  `
  ALTER TABLE runs ADD COLUMN compute_usd REAL NOT NULL DEFAULT 0;
  ALTER TABLE runs ADD COLUMN storage_usd REAL NOT NULL DEFAULT 0;
  ALTER TABLE runs ADD COLUMN api_usd REAL NOT NULL DEFAULT 0;
  ALTER TABLE runs ADD COLUMN model_usd REAL NOT NULL DEFAULT 0;
  ALTER TABLE runs ADD COLUMN retry_usd REAL NOT NULL DEFAULT 0;
  `,
  // 6: runs as a rowid table. A WITHOUT ROWID table keeps rows in an index
  // b-tree, whose cells spill to overflow pages past about 1 KB: with a run's
  // facts a row is about that, so each run took a 4 KiB page of its own (55 MiB
  // for 14,000 runs in memory, 65 MiB a sealed week to decompress per query).
  // In rowid order (arrival order) rows pack about four to a page, in time order.
  `
  CREATE TABLE runs_v6 (
    run_id TEXT PRIMARY KEY,
    status TEXT NOT NULL DEFAULT 'running',
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    duration_ms REAL,
    app TEXT,
    project_type TEXT,
    template TEXT,
    features TEXT NOT NULL DEFAULT '[]',
    user_id TEXT,
    session_id TEXT,
    regenerates TEXT,
    error_count INTEGER NOT NULL DEFAULT 0,
    current_phase TEXT,
    source_id INTEGER,
    line INTEGER,
    model TEXT,
    facts TEXT,
    cost_usd REAL NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    last_ts INTEGER,
    compute_usd REAL NOT NULL DEFAULT 0,
    storage_usd REAL NOT NULL DEFAULT 0,
    api_usd REAL NOT NULL DEFAULT 0,
    model_usd REAL NOT NULL DEFAULT 0,
    retry_usd REAL NOT NULL DEFAULT 0
  );
  INSERT INTO runs_v6 SELECT run_id, status, started_at, ended_at, duration_ms, app, project_type, template, features, user_id, session_id,
    regenerates, error_count, current_phase, source_id, line, model, facts, cost_usd, input_tokens, output_tokens, last_ts,
    compute_usd, storage_usd, api_usd, model_usd, retry_usd FROM runs ORDER BY started_at;
  DROP TABLE runs;
  ALTER TABLE runs_v6 RENAME TO runs;
  CREATE INDEX runs_started ON runs (started_at);
  CREATE INDEX runs_ended ON runs (ended_at);
  CREATE INDEX runs_running ON runs (started_at) WHERE status = 'running';
  CREATE INDEX runs_user ON runs (user_id, started_at);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
