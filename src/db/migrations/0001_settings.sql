-- Installation-wide settings, such as the secret that signs session cookies.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
