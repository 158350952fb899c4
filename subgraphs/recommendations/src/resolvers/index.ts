import { Query } from './Query';
import { Recommendation } from './Recommendation';
import { Subscription } from './Subscription';

export const resolvers = { Query, Subscription, Recommendation };
