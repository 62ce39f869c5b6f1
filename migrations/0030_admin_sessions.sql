-- Migration number: 0030 	 2027-01-10T09:00:00.000Z
-- Admin sign-in (issue 18): server-side dashboard sessions and blocks on clients that failed to authenticate.

-- One row per dashboard session. The cookie holds a random secret; only its SHA-256 is kept here, so this
-- table opens no session. A session is valid while not revoked, before expires_at (absolute) and within the
-- idle timeout of last_used_at; the worker checks all three on every request.
CREATE TABLE admin_sessions (
  id TEXT PRIMARY KEY,                  -- SHA-256 (hex) of the cookie's secret
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  token_fingerprint TEXT NOT NULL,      -- keyed fingerprint of the token that signed in (never the token)
  created_at INTEGER NOT NULL,          -- unix ms
  last_used_at INTEGER NOT NULL,        -- unix ms, refreshed at most once a minute
  expires_at INTEGER NOT NULL,          -- unix ms, absolute
  revoked_at INTEGER,                   -- unix ms: signed out or revoked by an admin
  revoked_by TEXT,                      -- 'logout' or the revoking admin's role:fingerprint
  user_agent TEXT                       -- for an admin telling sessions apart, cut to 200 characters
);
CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);

-- A client (keyed fingerprint of its IP) past the failed-authentication limit, refused until blocked_until
-- even with a valid token: the limit would not slow guessing otherwise.
CREATE TABLE admin_auth_blocks (
  client TEXT PRIMARY KEY,
  blocked_until INTEGER NOT NULL        -- unix ms
);
