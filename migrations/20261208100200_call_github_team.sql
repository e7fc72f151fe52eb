-- A call's eligibility may be "a member of a GitHub team of the organization the GitHub
-- App is installed on" (src/github): the team's slug, checked through the App at
-- nomination.
alter table calls add column eligible_github_team text
    check (char_length(eligible_github_team) between 1 and 100);
alter table calls drop constraint calls_eligibility_check;
alter table calls add constraint calls_eligibility_check
    check (eligibility in ('open', 'team', 'list', 'github_team'));
alter table calls drop constraint calls_eligibility_complete;
alter table calls add constraint calls_eligibility_complete check (
    (eligibility = 'team') = (eligible_team_id is not null)
    and (eligibility = 'list') = (eligible_list is not null)
    and (eligibility = 'github_team') = (eligible_github_team is not null)
);
