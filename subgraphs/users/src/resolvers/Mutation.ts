import { AGE_GROUPS } from '@souk/domain';
import { InvalidInputError } from '@souk/errors';
import type { UsersContext } from '../context';
import type { UserUpsert } from '../store';

export const Mutation = {
  upsertUser: async (_: unknown, { input }: { input: UserUpsert }, ctx: UsersContext) => {
    if (!input.id.trim()) throw new InvalidInputError('id must not be empty', { field: 'id' });
    if (input.ageGroup && !(AGE_GROUPS as readonly string[]).includes(input.ageGroup)) {
      throw new InvalidInputError(`ageGroup must be one of ${AGE_GROUPS.join(', ')}`, { field: 'ageGroup' });
    }
    if (input.lat !== undefined && input.lat !== null && Math.abs(input.lat) > 90) throw new InvalidInputError('lat must be within [-90, 90]', { field: 'lat' });
    if (input.lon !== undefined && input.lon !== null && Math.abs(input.lon) > 180) throw new InvalidInputError('lon must be within [-180, 180]', { field: 'lon' });
    return ctx.store.upsert(input);
  },
};
