-- The public address GitHub showed at the person's last sign-in: only ever offered on
-- /settings as a suggestion, never mailed until the person verifies it as their address.
alter table users add column github_email text check (char_length(github_email) <= 254);
