// Cron schedules: the parser and the next and previous start of a schedule (a calendar search, not a
// walk second by second), and the limits a maintenance window's schedule keeps. A leaf: src/config
// checks schedules with it and src/health evaluates windows with it; it imports only src/model.
export { type CronSpec, nextStart, parseCron, prevStart } from './cron-next.ts';
export { cronPeriodProblem, WINDOW_LIMITS, windowCountProblem } from './window-limits.ts';
