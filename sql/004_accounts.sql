-- Accounts, sessions, API tokens and the audit log (issue #4).
-- Nothing here is about refugees: accounts are the staff of the district office, the
-- providers, the funders and the press office. Secrets are stored only as hashes.

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  district_key text NOT NULL REFERENCES districts,
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  role text NOT NULL CHECK (role IN ('admin', 'provider', 'funder', 'press')),
  -- The provider whose cases a provider account uploads and sees; only for that role.
  provider text,
  -- scrypt, in the form scrypt$ln$r$p$salt$hash (base64url).
  password_hash text NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'provider') = (provider IS NOT NULL)),
  FOREIGN KEY (district_key, provider) REFERENCES providers (district_key, code)
);

-- A browser session: the cookie holds a random secret, the table its SHA-256.
CREATE TABLE sessions (
  secret_hash text PRIMARY KEY CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  -- Sent back in the X-CSRF-Token header by every state-changing request of the session.
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Tokens for scripts (Authorization: Bearer …): a role of their own, an optional expiry.
CREATE TABLE api_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  district_key text NOT NULL REFERENCES districts,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- The first characters of the token, shown in lists so a holder can tell tokens apart.
  prefix text NOT NULL,
  secret_hash text NOT NULL UNIQUE CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  role text NOT NULL CHECK (role IN ('admin', 'provider', 'funder', 'press')),
  provider text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  CHECK ((role = 'provider') = (provider IS NOT NULL)),
  FOREIGN KEY (district_key, provider) REFERENCES providers (district_key, code)
);

-- Who did what, when and from where. Append-only for the application.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  -- An account name, "token:NAME", "cli:USER" for the command line, or NULL when the
  -- caller was not signed in (a failed login for a name that has no account).
  actor text,
  actor_role text,
  action text NOT NULL CHECK (action ~ '^[a-z_]{2,40}$'),
  -- What the action was about: an account, a token, a provider and date.
  target text,
  -- The client's address as the server saw it, or "lokal" for the command line.
  source text,
  detail jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
-- Login throttling counts recent failures per address and per account.
CREATE INDEX audit_log_action_at_idx ON audit_log (action, at);
