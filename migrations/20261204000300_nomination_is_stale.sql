-- Whether a nomination is stale at `p_now`: still moving (not ended, not announced) and
-- idle past its call's stale age. One SQL home for the rule that the team page's count
-- (nominations::db::team_stale_count) and the stale-nomination reminders
-- (notify::reminders) use; nominations::model::is_stale says the same for one
-- nomination in Rust, and the inbox function (20261125000100) still spells it out.
create function nomination_is_stale(
    p_active_at timestamptz,
    p_ended_at timestamptz,
    p_announced_at timestamptz,
    p_stale_after_days integer,
    p_now timestamptz
) returns boolean
language sql immutable parallel safe as $$
    select p_ended_at is null and p_announced_at is null
       and p_active_at < p_now - make_interval(hours => 24 * p_stale_after_days)
$$;
