import { Cdf, type Rng } from './rng';
import type { CategoryKind } from './vocabulary';

// When people order, in their own city's local time: restaurants peak at lunch and dinner,
// groceries in the evening and at the weekend (Friday and Saturday in the Gulf).

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

// Relative activity per local hour, 00:00 .. 23:00.
const RESTAURANT_HOURS = [1, 0.6, 0.3, 0.2, 0.1, 0.1, 0.3, 0.8, 1.2, 1.2, 1, 2, 5, 6, 4, 1.5, 1.2, 1.5, 3, 5, 6, 5, 3, 2];
const GROCERY_HOURS = [0.5, 0.3, 0.2, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.6, 2, 2, 1.8, 1.6, 1.6, 2, 2.6, 3.5, 4.5, 5, 4.5, 3.5, 2, 1];

const HOURS: Record<CategoryKind, Cdf> = { restaurant: new Cdf(RESTAURANT_HOURS), grocery: new Cdf(GROCERY_HOURS) };

/** Weekday grocery sessions are kept with this probability, so weekends carry more of them. */
const GROCERY_WEEKDAY_KEEP = 0.6;

const isGulfWeekend = (localDay: number) => localDay === 5 || localDay === 6;

/**
 * A session start in [from, to) whose local hour follows the pattern for its kind.
 * utcOffset is the city's offset in hours. Returns NaN when the interval is empty.
 */
export function sessionStart(rng: Rng, kind: CategoryKind, from: number, to: number, utcOffset: number): number {
  if (!(to > from)) return NaN;
  const offset = utcOffset * HOUR;
  const firstDay = Math.floor((from + offset) / DAY);
  const lastDay = Math.floor((to - 1 + offset) / DAY);
  for (let attempt = 0; attempt < 8; attempt++) {
    const day = rng.int(firstDay, lastDay);
    const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday (4)
    if (kind === 'grocery' && !isGulfWeekend(weekday) && !rng.chance(GROCERY_WEEKDAY_KEEP)) continue;
    const local = day * DAY + HOURS[kind].sample(rng) * HOUR + Math.floor(rng.next() * HOUR);
    const t = local - offset;
    if (t >= from && t < to) return t;
  }
  // A window of a day or less may hold none of the preferred hours: any instant in it will do.
  return from + Math.floor(rng.next() * (to - from));
}
