import { ApiArgumentError } from './api-argument-error.js';

// The official clients' grammar: an optional sign, then any of years, months,
// weeks, days, hours, minutes, seconds, in that order, each optional:
// '2 hours', '1 day 3 minutes', '-1d', '1y 2mo', '3 weeks'.
const OFFSET = new RegExp(
  [
    '^(\\s*(-|\\+))?',
    '(\\s*(\\d+)\\s*y((ears?)|r)?)?',
    '(\\s*(\\d+)\\s*mo(nths?)?)?',
    '(\\s*(\\d+)\\s*w((eeks?)|k)?)?',
    '(\\s*(\\d+)\\s*d(ays?)?)?',
    '(\\s*(\\d+)\\s*h((ours?)|r)?)?',
    '(\\s*(\\d+)\\s*m(in(utes?)?)?)?',
    '(\\s*(\\d+)\\s*s(ec(onds?)?)?)?',
    '\\s*$',
  ].join(''),
  'i',
);

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The date `offset` from now (or from `reference`), e.g. `fromNow('2 hours')`
 * for a deadline; `.toJSON()` gives the timestamp format Taskcluster expects.
 * No offset (or `''`) is `reference` itself, as in the official clients.
 * A month counts 30 days and a year 365, as in the official clients.
 */
export function fromNow(offset: string = '', reference: Date = new Date()): Date {
  const match = typeof offset === 'string' ? OFFSET.exec(offset) : null;
  if (!match) throw new ApiArgumentError('fromNow', 'offset', `${JSON.stringify(offset)} is not a time offset such as "2 hours" or "-1 day 3 minutes"`);
  if (!(reference instanceof Date) || Number.isNaN(reference.getTime())) {
    throw new ApiArgumentError('fromNow', 'reference', 'must be a valid Date');
  }
  const sign = match[2] === '-' ? -1 : 1;
  const n = (group: number) => Number.parseInt(match[group] ?? '0', 10);
  const days = n(15) + 7 * n(11) + 30 * n(8) + 365 * n(4);
  return new Date(reference.getTime() + sign * (days * DAY + n(18) * HOUR + n(22) * MINUTE + n(25) * SECOND));
}
