import { z } from 'zod';
import type { Vertical } from '@souk/domain';
import type { Validation } from '../types';
import { optionalBool, optionalFloat, optionalText, optionalVertical, requiredText, validateRow, type Raw } from './fields';

export const BUSINESS_COLUMNS = {
  id: ['id', 'business_id', 'store_id', 'shop_id', 'merchant_id'],
  name: ['name', 'business_name', 'store_name', 'title'],
  city: ['city'],
  vertical: ['vertical', 'type'],
  lat: ['lat', 'latitude'],
  lon: ['lon', 'lng', 'longitude'],
  isOpen: ['is_open', 'open'],
} as const;

export const BUSINESS_REQUIRED = [BUSINESS_COLUMNS.name];

const schema = z.object({
  id: optionalText(500),
  name: requiredText(300),
  city: optionalText(200),
  vertical: optionalVertical(),
  lat: optionalFloat(-90, 90),
  lon: optionalFloat(-180, 180),
  isOpen: optionalBool(),
});

export interface BusinessRow {
  externalId?: string;
  name: string;
  city?: string;
  /** undefined: new businesses get the import's --vertical, known ones keep theirs. */
  vertical?: Vertical;
  lat?: number;
  lon?: number;
  isOpen?: boolean;
}

export function businessValidator(): (values: Raw) => Validation<BusinessRow> {
  return (values) => {
    const v = validateRow(schema, BUSINESS_COLUMNS, { values });
    if (!v.ok) return v;
    const { id, ...rest } = v.value;
    return { ok: true, value: { externalId: id, ...rest } };
  };
}
